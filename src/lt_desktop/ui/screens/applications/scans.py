"""A scanned application form, shown and saved."""

from __future__ import annotations

from pathlib import Path

from lt_desktop.core.output_files import check_output_path, write_atomic
from lt_desktop.core.services.essays import ScanInfo
from lt_desktop.domain.errors import LtError
from lt_desktop.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPixmap,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.widgets import button, show_error


def show_scan(parent: QWidget, scan: ScanInfo, data: bytes) -> None:
    ScanDialog(parent, scan, data).exec()


class ScanDialog(QDialog):
    def __init__(self, parent: QWidget, scan: ScanInfo, data: bytes) -> None:
        super().__init__(parent)
        self.setWindowTitle(scan.filename)
        layout = QVBoxLayout(self)
        if scan.media_type == "application/pdf":
            layout.addWidget(QLabel("This scan is a PDF. Save a copy to read it in a PDF reader."))
            layout.addWidget(button("&Save a copy…", lambda: self._save(scan, data)))
        else:
            picture = QPixmap()
            picture.loadFromData(data)
            label = QLabel()
            label.setAccessibleName(f"Scan {scan.filename}")
            label.setPixmap(
                picture.scaledToWidth(
                    min(picture.width(), 900), Qt.TransformationMode.SmoothTransformation
                )
            )
            scroll = QScrollArea()
            scroll.setWidget(label)
            scroll.setAccessibleName("Scan")
            layout.addWidget(scroll, 1)
            self.resize(960, 720)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    def _save(self, scan: ScanInfo, data: bytes) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save a copy of the scan", str(Path.home() / scan.filename), "PDF (*.pdf)"
        )
        if not path:
            return
        try:
            # The Save dialog asked before replacing a file.
            target = check_output_path(Path(path), store_root=None, force=True)
            write_atomic(target, data, what="The copy of the scan")
        except LtError as error:
            show_error(self, str(error))
