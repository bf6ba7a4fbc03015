"""A session's readings: the list, in order, with author and pages; each reading's PDF
kept in the store, and saved out to print.

Staff who change the programme add, change, reorder and remove readings and attach
their PDFs; anyone who sees the session may save a PDF to print it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from lt_desktop.core.services.programme import SessionInfo
from lt_desktop.core.services.readings import MAX_PDF_BYTES, ReadingInfo, size_in_words
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import week_in_words, week_name
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QModelIndex,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.widgets import Banner, Tone, button, confirm, muted, record_table

PDF_FILTER = "PDF documents (*.pdf)"


def pdf_words(reading: ReadingInfo) -> str:
    return f"{reading.pdf_filename} ({size_in_words(reading.pdf_size)})" if reading.has_pdf else ""


class ReadingsDialog(QDialog):
    """The readings of one session."""

    def __init__(
        self,
        parent: QWidget,
        controller: AppController,
        session: SessionInfo,
        *,
        may_edit: bool,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Readings for {week_in_words(session.week)}")
        self.setModal(True)
        self.controller = controller
        self.session_id = session.id
        self.may_edit = may_edit
        self.model = RecordTableModel[ReadingInfo](
            [
                Column("", lambda r: str(r.position + 1), align_right=True),
                Column("Title", lambda r: r.title, tooltip=lambda r: r.title),
                Column("Author", lambda r: r.author),
                Column("Pages", lambda r: r.pages),
                Column("PDF", pdf_words),
            ]
        )
        self.table = record_table(self.model, "Readings")
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.title_field = QLineEdit()
        self.author = QLineEdit()
        self.pages = QLineEdit()
        self.pages.setPlaceholderText("pp. 12–30, or chapter 3")
        form = QFormLayout()
        for text, field in (
            ("&Title", self.title_field),
            ("Aut&hor", self.author),
            ("Pa&ges", self.pages),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            field.setAccessibleName(text.replace("&", ""))
            form.addRow(label, field)
        self.save_button = button("&Save changes", self._save)
        self.add_button = button("&Add as a new reading", self._add)
        self.up_button = button("Move &up", lambda: self._move(-1))
        self.down_button = button("Move do&wn", lambda: self._move(1))
        self.remove_button = button("&Remove", self._remove)
        self.attach_button = button("Attach &PDF…", self._attach)
        self.unattach_button = button("Remove P&DF", self._remove_pdf)
        self.save_pdf_button = button("Sa&ve PDF…", self._save_pdf)
        editing = QHBoxLayout()
        for widget in (
            self.save_button,
            self.add_button,
            self.up_button,
            self.down_button,
            self.remove_button,
        ):
            editing.addWidget(widget)
        editing.addStretch(1)
        pdfs = QHBoxLayout()
        for widget in (self.attach_button, self.unattach_button, self.save_pdf_button):
            pdfs.addWidget(widget)
        pdfs.addStretch(1)
        self.banner = Banner()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(
                f"{week_name(session.week)} · {session.title or session.kind.label} · "
                f"{session.held_on:%a %d %b %Y}. The blank register and the session "
                "handout list these readings; a reading's PDF is kept in the store, "
                "encrypted, and saved out only to print it."
            )
        )
        layout.addWidget(self.table, 1)
        self.editor = QWidget()
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(form)
        editor_layout.addLayout(editing)
        layout.addWidget(self.editor)
        layout.addLayout(pdfs)
        layout.addWidget(self.banner)
        layout.addWidget(close)
        if not may_edit:  # only saving a PDF to print it
            for hidden in (self.editor, self.attach_button, self.unattach_button):
                hidden.hide()
        self.resize(820, 520)
        self._offer(None)
        self._reload()

    # -- the list --------------------------------------------------------------------------

    def _reload(self, chosen: uuid.UUID | None = None, message: str = "") -> None:
        session_id = self.session_id

        def show(readings: list[ReadingInfo]) -> None:
            self._show(readings, chosen)
            if message:
                self.banner.show_message(message, Tone.GOOD)

        self.controller.load(lambda ws: ws.readings.readings(session_id), show, self._error)

    def _show(self, readings: list[ReadingInfo], chosen: uuid.UUID | None = None) -> None:
        current = self.current()
        wanted = chosen or (current.id if current else None)
        self.model.set_rows(readings)
        row = next((i for i, r in enumerate(readings) if r.id == wanted), 0 if readings else -1)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._chosen(QModelIndex(), QModelIndex())

    def current(self) -> ReadingInfo | None:
        return self.model.row_at(self.table.currentIndex())

    def _chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        reading = self.model.row_at(current)
        self.title_field.setText(reading.title if reading else "")
        self.author.setText(reading.author if reading else "")
        self.pages.setText(reading.pages if reading else "")
        self._offer(reading)

    def _offer(self, reading: ReadingInfo | None) -> None:
        chosen = reading is not None
        count = self.model.rowCount()
        for widget in (self.save_button, self.remove_button, self.attach_button):
            widget.setEnabled(chosen)
        self.up_button.setEnabled(chosen and reading is not None and self._row(reading) > 0)
        self.down_button.setEnabled(
            chosen and reading is not None and self._row(reading) < count - 1
        )
        has_pdf = reading is not None and reading.has_pdf
        self.unattach_button.setEnabled(has_pdf)
        self.save_pdf_button.setEnabled(has_pdf)
        self.attach_button.setText("Replace &PDF…" if has_pdf else "Attach &PDF…")

    def _row(self, reading: ReadingInfo) -> int:
        return next((i for i, r in enumerate(self.model.rows) if r.id == reading.id), -1)

    def _error(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    # -- changing them -----------------------------------------------------------------------

    def _typed(self) -> tuple[str, str, str]:
        return self.title_field.text(), self.author.text(), self.pages.text()

    def _add(self) -> None:
        title, author, pages = self._typed()
        session_id = self.session_id
        self.controller.change(
            lambda ws: ws.readings.add(session_id, title=title, author=author, pages=pages),
            lambda added: self._reload(added.id, f"Added “{added.title}”."),
            self._error,
        )

    def _save(self) -> None:
        reading = self.current()
        if reading is None:
            return
        title, author, pages = self._typed()
        self.controller.change(
            lambda ws: ws.readings.edit(reading.id, title=title, author=author, pages=pages),
            lambda saved: self._reload(saved.id, f"Saved “{saved.title}”."),
            self._error,
        )

    def _move(self, by: int) -> None:
        reading = self.current()
        if reading is None:
            return
        self.controller.change(
            lambda ws: ws.readings.move(reading.id, by),
            lambda readings: self._show(readings, reading.id),
            self._error,
        )

    def _remove(self) -> None:
        reading = self.current()
        if reading is None:
            return
        question = f"Take “{reading.title}” off this session's readings?"
        if reading.has_pdf:
            question += " Its PDF goes with it."
        if not confirm(self, question, "Remove"):
            return
        self.controller.change(
            lambda ws: ws.readings.remove(reading.id),
            lambda _: self._reload(None, f"Removed “{reading.title}”."),
            self._error,
        )

    # -- the PDF -------------------------------------------------------------------------------

    def _attach(self) -> None:
        reading = self.current()
        if reading is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Attach the reading's PDF", str(Path.home()), PDF_FILTER
        )
        if not path:
            return
        source = Path(path)
        try:
            if source.stat().st_size > MAX_PDF_BYTES:
                raise ValidationError(
                    f"That PDF is larger than {size_in_words(MAX_PDF_BYTES)}; scan it at a "
                    "lower resolution, or attach the pages to read only."
                )
            data = source.read_bytes()
        except ValidationError as error:
            self._error(str(error))
            return
        except OSError as error:
            self._error(f"{source} cannot be read ({error.strerror}).")
            return
        self.controller.change(
            lambda ws: ws.readings.attach_pdf(reading.id, source.name, data),
            lambda kept: self._reload(
                kept.id, f"Kept {kept.pdf_filename} in the store with “{kept.title}”."
            ),
            self._error,
        )

    def _remove_pdf(self) -> None:
        reading = self.current()
        if reading is None or not reading.has_pdf:
            return
        if not confirm(self, f"Remove the PDF of “{reading.title}” from the store?", "Remove"):
            return
        self.controller.change(
            lambda ws: ws.readings.remove_pdf(reading.id),
            lambda kept: self._reload(kept.id, f"Removed the PDF of “{kept.title}”."),
            self._error,
        )

    def _save_pdf(self) -> None:
        reading = self.current()
        if reading is None or not reading.has_pdf:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the reading's PDF", str(Path.home() / reading.pdf_filename), PDF_FILTER
        )
        if not path:
            return
        target = Path(path)
        # The Save dialog asked before replacing a file.
        self.controller.load(
            lambda ws: ws.readings.save_pdf(reading.id, target, force=True),
            lambda saved: self.banner.show_message(
                f"Saved a copy of {reading.pdf_filename} to {saved}: print it with the handout.",
                Tone.GOOD,
            ),
            self._error,
        )
