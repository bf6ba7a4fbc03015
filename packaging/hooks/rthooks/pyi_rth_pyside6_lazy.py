# Replaces PyInstaller's run-time hook for PySide6 (packaging/hooks/rthooks.dat).
#
# PyInstaller's hook imports PySide6.QtCore as the program starts, only to give Qt an
# embedded qt.conf when the bindings have none; PySide6's wheels make their own when
# imported. Importing Qt costs every command a sixth of a second, and most commands
# never use Qt, so this hook does the same set-up but makes that qt.conf, if still
# needed, just after the app first imports PySide6.QtCore.


def _pyi_rthook():
    import os
    import sys

    from _pyi_rth_utils import prepend_path_to_environment_variable
    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")

    if sys.platform.startswith("win"):
        qt_path = os.path.join(sys._MEIPASS, "PySide6")
        # Where QtNetwork would look for OpenSSL's DLLs (as PyInstaller's hook does).
        prepend_path_to_environment_variable(sys._MEIPASS, "PATH")
    else:
        qt_path = os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_path, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_path, "qml")
    if sys.platform == "darwin":
        prepend_path_to_environment_variable(sys._MEIPASS, "DYLD_LIBRARY_PATH")

    class QtConfAfterQtCore:
        """Finds nothing itself: wraps the loading of PySide6.QtCore, once."""

        def find_spec(self, name, path=None, target=None):
            if name != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)
            import importlib.util

            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                return spec
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                qt_rth_utils.create_embedded_qt_conf("PySide6", qt_path)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, QtConfAfterQtCore())


_pyi_rthook()
del _pyi_rthook
