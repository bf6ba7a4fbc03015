"""A partnership's certificates and letters: who signs, whether the prison does, the
logo and the return address (``services.stationery``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lt_desktop.core.services.stationery import (
    MAX_LOGO_BYTES,
    Logo,
    StationeryInfo,
    read_logo,
)
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.ui.qt import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPixmap,
    QPlainTextEdit,
    Qt,
    QWidget,
)
from lt_desktop.ui.widgets import FormDialog, Tone, button, muted

#: Left as it was: the logo the partnership already has.
KEEP = "keep"


class StationeryDialog(FormDialog):
    """How the partnership's certificates are signed and its letters headed.

    The logo is checked as soon as it is chosen, so a picture that will not do is said
    at once, and kept only when Save is pressed, with everything else.
    """

    def __init__(self, parent: QWidget, stationery: StationeryInfo) -> None:
        super().__init__(f"Certificates and letters: {stationery.partnership_name}", "Save", parent)
        self.stationery = stationery
        #: The logo to keep: ``KEEP``, a new one, or None to remove it.
        self.logo: Logo | None | str = KEEP
        self.form.addRow(
            muted(
                "A certificate is shown to future employers, so unless the prison signs too "
                "it names only the university: no prison, and not the partnership's name."
            )
        )
        self.prison_signs = QCheckBox(
            f"{stationery.prison_name} &signs certificates too (its name is then printed)"
        )
        self.prison_signs.setChecked(stationery.prison_signature_on_certificates)
        self.form.addRow(self.prison_signs)
        self.university_signatory = self.add_row(
            f"For {stationery.university_name}: &name",
            QLineEdit(stationery.university_signatory),
        )
        self.university_title = self.add_row(
            "Their &title", QLineEdit(stationery.university_signatory_title)
        )
        self.prison_signatory = self.add_row(
            f"For {stationery.prison_name}: na&me", QLineEdit(stationery.prison_signatory)
        )
        self.prison_title = self.add_row(
            "Their t&itle", QLineEdit(stationery.prison_signatory_title)
        )
        for field in (self.prison_signatory, self.prison_title):
            self.prison_signs.toggled.connect(field.setEnabled)
            field.setEnabled(self.prison_signs.isChecked())
        self.address = QPlainTextEdit(stationery.return_address)
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(96)
        self.address.setPlaceholderText("Printed at the head of every letter, a line each")
        self.add_row("&Return address", self.address)

        self.logo_picture = QLabel()
        self.logo_picture.setAccessibleName("Logo")
        self.logo_picture.setMinimumHeight(64)
        self.logo_words = muted()
        self.choose_button = button("C&hoose logo…", self._choose_logo)
        self.remove_button = button("Remo&ve logo", self._remove_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_picture)
        logo_row.addWidget(self.logo_words, 1)
        logo_row.addWidget(self.choose_button)
        logo_row.addWidget(self.remove_button)
        self.form.addRow("Logo", logo_row)
        self._show_logo(stationery.logo)
        self.setMinimumWidth(560)

    def _show_logo(self, logo: Logo | None) -> None:
        if logo is None:
            self.logo_picture.clear()
            self.logo_picture.setText("")
            self.logo_words.setText("No logo: certificates and letters go without one.")
            self.remove_button.setEnabled(False)
            return
        picture = QPixmap()
        picture.loadFromData(logo.data)
        self.logo_picture.setPixmap(
            picture.scaled(
                180,
                60,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        kind = "PNG" if logo.media_type == "image/png" else "JPEG"
        self.logo_words.setText(f"{kind}, {logo.width} × {logo.height} pixels")
        self.remove_button.setEnabled(True)

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the partnership's logo", str(Path.home()), "Pictures (*.png *.jpg *.jpeg)"
        )
        if not path:
            return
        source = Path(path)
        try:
            if source.stat().st_size > MAX_LOGO_BYTES:
                raise ValidationError(
                    "That picture is larger than 1 MB: save it smaller (a logo needs no more "
                    "than about 1,000 pixels across)."
                )
            logo = read_logo(source.read_bytes())
        except (OSError, LtError) as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        self.banner.clear()
        self.logo = logo
        self._show_logo(logo)

    def _remove_logo(self) -> None:
        self.logo = None
        self._show_logo(None)

    def values(self) -> dict[str, Any]:
        return {
            "prison_signature_on_certificates": self.prison_signs.isChecked(),
            "university_signatory": self.university_signatory.text(),
            "university_signatory_title": self.university_title.text(),
            "prison_signatory": self.prison_signatory.text(),
            "prison_signatory_title": self.prison_title.text(),
            "return_address": self.address.toPlainText(),
        }
