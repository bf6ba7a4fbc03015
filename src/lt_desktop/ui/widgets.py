"""Small building blocks the screens share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, time
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from lt_desktop.core.errors import ValidationError
from lt_desktop.core.vocabulary import LabelledEnum
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)


class Tone(Enum):
    INFO = "info"
    GOOD = "good"
    WARNING = "warning"
    ERROR = "error"


_TONE_STYLE = {
    Tone.INFO: ("ℹ", "#e8f0fb", "#1f4f8f"),
    Tone.GOOD: ("✓", "#e6f4ea", "#1e6b34"),
    Tone.WARNING: ("!", "#fff4e0", "#7a4b00"),
    Tone.ERROR: ("✕", "#fdecea", "#8f1f1f"),
}


class Banner(QFrame):
    """A line of feedback inside a screen. The symbol and words carry the meaning;
    colour only helps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._symbol = QLabel()
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self._symbol, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._text, 1)
        self.setAccessibleName("Message")
        self.hide()

    def show_message(self, text: str, tone: Tone = Tone.INFO) -> None:
        symbol, background, foreground = _TONE_STYLE[tone]
        self._symbol.setText(symbol)
        self._text.setText(text)
        self.setAccessibleDescription(text)
        self.setStyleSheet(
            f"Banner {{ background: {background}; border-radius: 4px; }}"
            f" QLabel {{ color: {foreground}; }}"
        )
        self.show()

    def text(self) -> str:
        return self._text.text() if self.isVisible() else ""

    def clear(self) -> None:
        self._text.clear()
        self.hide()


class EmptyOr(QStackedWidget):
    """Shows a view, or a plain sentence saying why it is empty and what to do."""

    def __init__(self, view: QWidget, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.message = QLabel(message)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setObjectName("emptyState")
        self.message.setMargin(24)
        self.addWidget(view)
        self.addWidget(self.message)

    def set_empty(self, empty: bool, message: str | None = None) -> None:
        if message is not None:
            self.message.setText(message)
        self.setCurrentWidget(self.message if empty else self.view)


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setObjectName(f"heading{level}")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * (1.5 if level == 1 else 1.15))
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    palette = label.palette()
    palette.setColor(label.foregroundRole(), palette.color(palette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


def button(text: str, handler: Callable[[], None], *, accessible: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(accessible or text.replace("&", "").rstrip("…."))
    widget.clicked.connect(handler)
    return widget


def show_error(parent: QWidget | None, message: str, title: str = "LT Desktop") -> None:
    QMessageBox.warning(parent, title, message)


def confirm(parent: QWidget | None, question: str, action: str, title: str = "LT Desktop") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(go)
    box.exec()
    return box.clickedButton() is go


FieldT = TypeVar("FieldT", bound=QWidget)


class FormDialog(QDialog):
    """A dialog with a form, OK and Cancel, and room for a message when input is wrong.

    ``accept_with`` runs when OK is pressed; raising LtError keeps the dialog open
    with the message shown.
    """

    def __init__(self, title: str, ok_text: str = "Save", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.banner = Banner()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.banner)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def add_row(self, label: str, field: FieldT) -> FieldT:
        field.setAccessibleName(label.replace("&", ""))
        self.form.addRow(label, field)
        return field

    def validate(self) -> None:
        """Raise LtError (with a message for the person) when the input is not right."""

    def _on_ok(self) -> None:
        from lt_desktop.core.errors import LtError

        try:
            self.validate()
        except LtError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        self.accept()


class EnumCombo(QComboBox):
    """A choice among an enum's members, shown by their labels.

    Qt would hand a StrEnum back as a plain string, so the members are kept here
    and ``value()`` returns the member itself.
    """

    def __init__(
        self, members: Iterable[LabelledEnum], current: LabelledEnum | None = None
    ) -> None:
        super().__init__()
        self._members = list(members)
        for member in self._members:
            self.addItem(member.label)
        if current is not None:
            self.set_value(current)

    def value(self) -> Any:
        return self._members[self.currentIndex()]

    def set_value(self, member: LabelledEnum) -> None:
        self.setCurrentIndex(self._members.index(member))


def date_of(field: QDateEdit) -> date:
    value = field.date()
    return date(value.year(), value.month(), value.day())


def time_of(field: QTimeEdit) -> time:
    value = field.time()
    return time(value.hour(), value.minute())


def date_field(value: date) -> QDateEdit:
    field = QDateEdit(QDate(value.year, value.month, value.day))
    field.setCalendarPopup(True)
    field.setDisplayFormat("dd MMM yyyy")
    return field


class SavePathField(QWidget):
    """Where to save a file: a path to type or paste, and Choose… for the usual dialog.

    The folder last saved to is offered next time, so a coordinator printing a run of
    documents picks the USB stick or the print folder once.
    """

    _last_folder: Path | None = None

    def __init__(self, suggested_name: str, caption: str, file_filter: str) -> None:
        super().__init__()
        self._caption = caption
        self._filter = file_filter
        folder = SavePathField._last_folder or Path.home()
        self.line = QLineEdit(str(folder / _safe_file_name(suggested_name)))
        self.line.setAccessibleName(caption)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, 1)
        row.addWidget(button("&Choose…", self._choose))
        self.setFocusProxy(self.line)

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self._caption, self.line.text(), self._filter)
        if path:
            self.line.setText(path)

    def suggest(self, name: str, file_filter: str | None = None) -> None:
        """Offer a new file name in the folder already shown, when what is to be saved
        changes; ``file_filter`` changes what Choose… offers."""
        text = self.line.text().strip()
        shown = Path(text).expanduser() if text else None
        if shown is None:
            folder = SavePathField._last_folder or Path.home()
        else:
            folder = shown if shown.is_dir() else shown.parent
        self.line.setText(str(folder / _safe_file_name(name)))
        if file_filter is not None:
            self._filter = file_filter

    def path(self) -> Path:
        """The chosen path; raises ValidationError when it cannot be saved to."""
        text = self.line.text().strip()
        target = Path(text).expanduser()
        if not text or not target.name:
            raise ValidationError("Choose where to save the file.")
        if not target.parent.is_dir():
            raise ValidationError(f"There is no folder {target.parent}. Choose one that exists.")
        if target.is_dir():
            raise ValidationError(f"{target} is a folder. Add a file name.")
        SavePathField._last_folder = target.parent
        return target


def _safe_file_name(name: str) -> str:
    """A suggested name without characters Windows or removable media refuse."""
    cleaned = "".join("-" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in name)
    return cleaned.strip(" .") or "document"


class PaperCombo(QComboBox):
    def __init__(self) -> None:
        super().__init__()
        self.addItem("A4", "a4")
        self.addItem("US Letter", "letter")

    def value(self) -> Any:
        # Imported here so the app starts without loading the PDF library.
        from lt_desktop.documents.template import PaperSize

        return PaperSize(self.currentData())


def record_table(model: Any, name: str) -> QTableView:
    """A read-only table of records: whole rows chosen one at a time, Tab leaving it."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view
