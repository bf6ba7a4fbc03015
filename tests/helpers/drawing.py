"""Draw what a screen shows, as the screen itself would, and check every model behind it.

Comparing a model's values never draws anything: a register whose model could not
paint one of its cells passed every such test. ``draw`` paints the widget into a
pixmap and asks every item model it shows for every role of every cell, with Qt's
own model tester watching. An exception raised while painting, or a warning from
Qt or the tester, fails the test (pytest-qt turns both into failures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import shiboken6
from PySide6.QtTest import QAbstractItemModelTester

from lt_desktop.ui.qt import (
    QAbstractItemModel,
    QAbstractItemView,
    QAbstractListModel,
    QAbstractTableModel,
    QApplication,
    QComboBox,
    QHeaderView,
    QModelIndex,
    QPixmap,
    Qt,
    QWidget,
)

#: Every role Qt itself defines, and the first few roles a model may add.
ROLES = [role for role in Qt.ItemDataRole if role < Qt.ItemDataRole.UserRole] + [
    Qt.ItemDataRole.UserRole + offset for offset in range(8)
]


def models_shown(root: QWidget, *, hidden_too: bool = False) -> list[QAbstractItemModel]:
    """The item models behind the views and choices shown inside ``root`` (and behind
    those hidden there too, where asked)."""
    models: dict[int, QAbstractItemModel] = {}
    widgets: list[QWidget] = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not isinstance(widget, QAbstractItemView | QComboBox) or widget.model() is None:
            continue
        if hidden_too or widget is root or widget.isVisibleTo(root):
            models.setdefault(id(widget.model()), widget.model())
    return list(models.values())


def ask_every_role(model: QAbstractItemModel) -> int:
    """Ask ``model`` for every role of every cell, header and child; return the cells."""
    cells = 0
    for orientation, count in (
        (Qt.Orientation.Horizontal, _columns(model, QModelIndex())),
        (Qt.Orientation.Vertical, model.rowCount(QModelIndex())),
    ):
        for section in range(count):
            for role in ROLES:
                model.headerData(section, orientation, role)
    pending = [QModelIndex()]
    while pending:
        parent = pending.pop()
        for row in range(model.rowCount(parent)):
            for column in range(max(1, _columns(model, parent))):
                index = model.index(row, column, parent)
                if not index.isValid():
                    continue
                cells += 1
                model.flags(index)
                for role in ROLES:
                    model.data(index, role)
                if column == 0 and _is_tree(model) and model.hasChildren(index):
                    pending.append(index)
    return cells


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    # A list model keeps columnCount private: it has one column.
    if isinstance(model, QAbstractListModel):
        return 1
    return model.columnCount(parent)


def _is_tree(model: QAbstractItemModel) -> bool:
    # Tables and lists keep hasChildren private: their cells have none.
    return not isinstance(model, QAbstractListModel | QAbstractTableModel)


def draw(root: QWidget) -> QPixmap:
    """Paint ``root`` and check every model it shows; returns the picture.

    Qt's model tester watches each model while it is asked for every role and while
    the picture is painted, then lets go, so no tester outlives the test's window.
    Models behind hidden views (the screens not shown, a tab not chosen) are left to
    when they are shown, or to ``check_every_model``: asked on every drawing of a
    window that has built all its screens, they made drawing it slower with each one.
    """
    with _tested(models_shown(root)):
        picture = root.grab()
        QApplication.processEvents()
    assert not picture.isNull()
    return picture


def check_every_model(root: QWidget) -> None:
    """Ask every model inside ``root``, shown or hidden, for every role of every cell,
    under Qt's model tester."""
    with _tested(models_shown(root, hidden_too=True)):
        QApplication.processEvents()


@contextmanager
def _tested(models: list[QAbstractItemModel]) -> Iterator[None]:
    testers = []
    try:
        for model in models:
            testers.append(
                QAbstractItemModelTester(
                    model, QAbstractItemModelTester.FailureReportingMode.Warning
                )
            )
            ask_every_role(model)
        yield
    finally:
        for tester in testers:
            shiboken6.delete(tester)


def choose_first_rows(page: QWidget, settle: Callable[[], None]) -> None:
    """Choose the first row of every list shown in ``page`` that has none chosen, so
    the detail panes beside them fill in."""
    for view in page.findChildren(QAbstractItemView):
        if isinstance(view, QHeaderView) or not view.isVisibleTo(page):
            continue
        model = view.model()
        if model is None or model.rowCount() == 0 or view.currentIndex().isValid():
            continue
        view.setCurrentIndex(model.index(0, 0))
        settle()
