"""Erasing a person: what will go, and their name typed before anything goes."""

from __future__ import annotations

from lt_desktop.core.services.erasure import ErasurePreview
from lt_desktop.domain.errors import ValidationError
from lt_desktop.ui.qt import QLabel, QLineEdit, Qt, QWidget
from lt_desktop.ui.widgets import FormDialog, muted


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


class EraseDialog(FormDialog):
    """The preview of an erasure; Erase works only once the person's name is typed."""

    def __init__(self, parent: QWidget, preview: ErasurePreview) -> None:
        super().__init__(f"Erase {preview.name}", "Erase", parent)
        self._names = {_plain(preview.name), _plain(preview.listed_name)}
        self.what_goes = QLabel("\n".join(preview.lines()))
        self.what_goes.setTextFormat(Qt.TextFormat.PlainText)
        self.what_goes.setAccessibleName("What will be erased")
        self.form.addRow(
            muted(
                "Everything below goes from this site at once and cannot be undone. "
                "Certificates keep their serials, recorded as void; the audit log keeps "
                "that you erased them, under their research id, never their name."
            )
        )
        self.form.addRow("Erased here:", self.what_goes)
        self.typed = self.add_row("&Type their name", QLineEdit())
        self.typed.setPlaceholderText(preview.name)
        self.typed.textChanged.connect(self._typed_changed)
        self.ok_button.setEnabled(False)

    def _matches(self) -> bool:
        return _plain(self.typed.text()) in self._names

    def _typed_changed(self) -> None:
        self.ok_button.setEnabled(self._matches())

    def validate(self) -> None:
        if not self._matches():
            raise ValidationError("Type the person's name as shown to erase them.")
