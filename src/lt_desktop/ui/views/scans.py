"""Choosing a scan to keep in the store: an essay's, an application form's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lt_desktop.core.services.essays import MAX_SCAN_BYTES
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.ui.qt import QFileDialog, QWidget


def choose_scan(
    parent: QWidget, title: str, on_error: Callable[[str], None]
) -> tuple[str, bytes] | None:
    """The chosen file's name and contents, or None when cancelled or unreadable (then
    ``on_error`` is told why). Too large a scan is refused before it is read."""
    path, _ = QFileDialog.getOpenFileName(
        parent, title, str(Path.home()), "Scans (*.png *.jpg *.jpeg *.pdf)"
    )
    if not path:
        return None
    source = Path(path)
    try:
        if source.stat().st_size > MAX_SCAN_BYTES:
            raise ValidationError("That scan is larger than 25 MB; scan at a lower resolution.")
        return source.name, source.read_bytes()
    except (OSError, LtError) as error:
        on_error(str(error))
        return None
