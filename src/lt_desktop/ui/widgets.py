"""Small building blocks the screens share."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Iterable
from datetime import date, time, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar, cast

from lt_desktop.core.dates import describe_date, format_date, order_of_pattern, parse_typed_date
from lt_desktop.core.output_files import check_output_path
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import LabelledEnum
from lt_desktop.ui.colours import tone_colours
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QCalendarWidget,
    QColor,
    QComboBox,
    QDate,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFileDialog,
    QFocusEvent,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QLabel,
    QLayout,
    QLineEdit,
    QLocale,
    QMessageBox,
    QMetaMethod,
    QPainter,
    QPalette,
    QPlainTextEdit,
    QPoint,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTableView,
    QTextEdit,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class Tone(Enum):
    INFO = "info"
    GOOD = "good"
    WARNING = "warning"
    ERROR = "error"


_TONE_SYMBOL = {Tone.INFO: "ℹ", Tone.GOOD: "✓", Tone.WARNING: "!", Tone.ERROR: "✕"}


class Banner(QFrame):
    """A line of feedback inside a screen. The symbol and words carry the meaning;
    colour only helps, and follows the desktop's light or dark palette."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tone = Tone.INFO
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
        self._tone = tone
        self._symbol.setText(_TONE_SYMBOL[tone])
        self._text.setText(text)
        self.setAccessibleDescription(text)
        self._colour_text()
        self.update()
        self.show()

    def colours(self) -> tuple[QColor, QColor]:
        """(background, text) of the message shown, on the palette in use now."""
        return tone_colours(self._tone.value, self.palette())

    def _colour_text(self) -> None:
        text = self.colours()[1]
        for label in (self._symbol, self._text):
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, text)
            label.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._colour_text()
        super().changeEvent(event)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colours()[0])
        painter.drawRoundedRect(self.rect(), 4.0, 4.0)
        painter.end()
        super().paintEvent(event)

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
    label.setObjectName("muted")  # coloured by the app's style, following its palette
    label.setWordWrap(True)
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


def check_save_path(
    parent: QWidget | None, target: Path, *, agreed: bool, store_root: Path | None = None
) -> None:
    """Refuse a file inside a store folder, or that is a folder or device, whatever was
    agreed; ask before replacing an existing file unless the Save dialog already did
    (``agreed``). Raises LtError with the words to show in the form."""
    check_output_path(target, store_root=store_root, force=True)
    if agreed or not target.exists():
        return
    question = f"{target.name} already exists in {target.parent}. Replace it?"
    if not confirm(parent, question, "Replace"):
        raise ValidationError(f"{target} already exists; choose another name, or replace it.")


FieldT = TypeVar("FieldT", bound=QWidget)


class FormDialog(QDialog):
    """A dialog with a form, OK and Cancel, and room for a message when input is wrong.

    ``validate`` runs when OK is pressed; raising LtError keeps the dialog open
    with the message shown. A date that cannot be read is refused the same way, before
    ``validate``, so no dialog saves a date the person did not mean.

    Made to be used from the keyboard: the dialog opens with the focus in its first field
    (not on OK, where typing would go nowhere), Tab goes down the form as it reads and
    reaches the buttons last, and Enter in a one-line field presses OK. Enter in a note
    makes a new line, and Enter in a field that does something of its own with it (a
    search that moves to its list, a mark saved before the next) does only that.
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
        self._focus_arranged = False
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.banner)
        # The buttons join the dialog when it is shown, after every field: Tab follows the
        # order widgets join a window, and a form's rows are added after this runs.
        self.setMinimumWidth(420)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def add_row(self, label: str, field: FieldT) -> FieldT:
        field.setAccessibleName(label.replace("&", ""))
        self.form.addRow(label, field)
        return field

    def validate(self) -> None:
        """Raise LtError (with a message for the person) when the input is not right."""

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt API
        # Before the window shows, or Qt puts the focus on OK.
        if visible and not self._focus_arranged:
            self._focus_arranged = True
            layout = self.layout()
            assert layout is not None
            layout.addWidget(self.buttons)
            # Set once inside the dialog, so OK is the default again after a button in
            # the form (such as New course…) has had the focus.
            self.ok_button.setDefault(True)
            focus_first_field(self)
        super().setVisible(visible)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and _handles_enter(
            self.focusWidget()
        ):
            event.accept()
            return
        super().keyPressEvent(event)

    def _check_dates(self) -> None:
        for field in self.findChildren(DateField):
            if field.isEnabled() and field.isVisibleTo(self):
                try:
                    field.maybe_value()
                except ValidationError:
                    field.focus_to_correct()
                    raise

    def _on_ok(self) -> None:
        from lt_desktop.domain.errors import LtError

        try:
            self._check_dates()
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


def date_of(field: DateField) -> date:
    """The date in a field; raises ValidationError, naming the field, when it is not one."""
    return field.value()


def time_of(field: QTimeEdit) -> time:
    value = field.time()
    return time(value.hour(), value.minute())


def date_field(value: date) -> DateField:
    """A required date field showing ``value``."""
    return DateField(value)


class DateField(QWidget):
    """A date typed as people write it, with a calendar for the mouse.

    The text is read by ``lt_desktop.core.dates`` (its docstring has the rules: "11 Jan
    2027", "11 January 2027", "11/01/2027" day first, "2027-01-11", "11 jan 27" …),
    knowing the order the computer writes dates in. While typing, the date understood shows
    in full beneath; on leaving the field it is written back as "Mon 11 Jan 2027", so a
    misreading is seen before anything is saved. Text that is not a date stays as typed,
    with the reason beneath, and ``value()`` raises ValidationError, which FormDialog shows
    and refuses to save.

    Up and Down step a day, Page Up and Page Down a month; Alt+Down or F4 opens the
    calendar. An ``optional`` field may be left empty, meaning no date.
    """

    def __init__(
        self,
        value: date | None = None,
        *,
        optional: bool = False,
        empty_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._optional = optional
        self._order = order_of_pattern(QLocale().dateFormat(QLocale.FormatType.ShortFormat))
        self._calendar: QCalendarWidget | None = None
        self.line = _DateLine(self)
        self.line.setPlaceholderText(
            empty_text or ("Not known" if optional else "For example 11 Jan 2027")
        )
        self.line.setAccessibleDescription(
            "Type a date, such as 11 Jan 2027 or 11/01/2027. Alt+Down opens a calendar."
        )
        self.calendar_button = QToolButton()
        self.calendar_button.setText("▾")
        self.calendar_button.setToolTip("Choose from a calendar (Alt+Down)")
        self.calendar_button.setAccessibleName("Choose from a calendar")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar_button.clicked.connect(self.open_calendar)
        self.understood = muted()
        self.understood.setAccessibleName("Date understood")
        self.understood.hide()
        self.problem = Banner()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, 1)
        row.addWidget(self.calendar_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.understood)
        layout.addWidget(self.problem)
        self.setFocusProxy(self.line)
        self.line.textEdited.connect(self._typed)
        self.set_value(value)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt API
        super().setAccessibleName(name)
        self.line.setAccessibleName(name)

    def value(self) -> date:
        """The date typed; raises ValidationError, naming the field, when it is not one."""
        try:
            return self._read()
        except ValidationError as error:
            self.problem.show_message(str(error), Tone.ERROR)
            name = self.accessibleName()
            raise ValidationError(f"{name}: {error}" if name else str(error)) from None

    def maybe_value(self) -> date | None:
        """The date typed, or None when an optional field is left empty."""
        if self._optional and not self.line.text().strip():
            return None
        return self.value()

    def set_value(self, value: date | None) -> None:
        self.line.setText(format_date(value) if value is not None else "")
        self.understood.hide()
        self.problem.clear()

    def focus_to_correct(self) -> None:
        """Put the focus here with the text chosen, so typing replaces what was wrong."""
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)
        self.line.selectAll()

    def step(self, *, days: int = 0, months: int = 0) -> None:
        """Move the date on or back. Text that is not a date is left alone rather than
        replaced by a guess; an empty field starts from today."""
        if not self.line.text().strip():
            self.set_value(date.today())
            return
        try:
            current = self._read()
        except ValidationError as error:
            self.problem.show_message(str(error), Tone.ERROR)
            return
        self.set_value(_add_months(current, months) + timedelta(days=days))

    def open_calendar(self) -> None:
        if self._calendar is None:
            self._calendar = QCalendarWidget(self)
            self._calendar.setWindowFlags(Qt.WindowType.Popup)
            self._calendar.setGridVisible(True)
            self._calendar.setAccessibleName(f"Calendar for {self.accessibleName()}".strip())
            self._calendar.clicked.connect(self._chosen)
            self._calendar.activated.connect(self._chosen)
        try:
            shown = self._read()
        except ValidationError:
            shown = date.today()
        calendar = self._calendar
        calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        calendar.move(self.line.mapToGlobal(QPoint(0, self.line.height())))
        calendar.show()
        calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _chosen(self, chosen: QDate) -> None:
        if self._calendar is not None:
            self._calendar.hide()
        self.set_value(date(chosen.year(), chosen.month(), chosen.day()))
        self.line.setFocus(Qt.FocusReason.PopupFocusReason)

    def _read(self) -> date:
        return parse_typed_date(self.line.text(), date.today(), self._order)

    def _typed(self, text: str) -> None:
        self.problem.clear()
        try:
            understood = self._read() if text.strip() else None
        except ValidationError:
            understood = None  # half typed: no complaint until the field is left
        self.understood.setText(describe_date(understood) if understood else "")
        self.understood.setVisible(understood is not None)

    def tidy(self) -> None:
        """On leaving the field: show the date as the app writes it, or say what is wrong."""
        self.understood.hide()
        if self._optional and not self.line.text().strip():
            self.line.clear()
            self.problem.clear()
            return
        try:
            value = self._read()
        except ValidationError as error:
            self.problem.show_message(str(error), Tone.ERROR)
            return
        self.problem.clear()
        if self.line.text() != format_date(value):
            self.line.setText(format_date(value))


class _DateLine(QLineEdit):
    """The text of a DateField, with its keys."""

    def __init__(self, owner: DateField) -> None:
        super().__init__()
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key, modifiers = event.key(), event.modifiers()
        plain = not modifiers & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        steps = {
            Qt.Key.Key_Up: {"days": 1},
            Qt.Key.Key_Down: {"days": -1},
            Qt.Key.Key_PageUp: {"months": 1},
            Qt.Key.Key_PageDown: {"months": -1},
        }
        if key == Qt.Key.Key_F4 or (
            key == Qt.Key.Key_Down and modifiers & Qt.KeyboardModifier.AltModifier
        ):
            self._owner.open_calendar()
            return
        if plain and key in steps:
            self._owner.step(**steps[Qt.Key(key)])
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._owner.tidy()
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        super().focusOutEvent(event)
        self._owner.tidy()


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` on, or the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def focus_first_field(dialog: QWidget) -> None:
    """Put the focus in the dialog's first field, as it reads top to bottom and left to
    right, unless the dialog has already chosen one."""
    layout = dialog.layout()
    if layout is None:
        return
    order = _in_layout_order(layout)
    chosen = dialog.focusWidget()
    if chosen is not None and dialog.isAncestorOf(chosen) and _is_field(chosen, dialog):
        return
    first_field = next((w for w in order if _is_field(w, dialog)), None)
    if first_field is not None:
        first_field.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(first_field, QLineEdit):
            first_field.selectAll()


def _in_layout_order(layout: QLayout) -> list[QWidget]:
    """The widgets in ``layout`` that Tab stops at, row by row and left to right, as a
    person reads them (a form's rows may have been inserted out of order)."""
    indexes = list(range(layout.count()))
    if isinstance(layout, QFormLayout | QGridLayout):
        # (row, role) in a form, (row, column, spans) in a grid; typed only as object
        places: dict[int, tuple[int, int]] = {}
        for index in indexes:
            row, across = cast(tuple[int, Any], layout.getItemPosition(index))[:2]
            places[index] = (row, across if isinstance(across, int) else across.value)
        indexes.sort(key=places.__getitem__)
    found: list[QWidget] = []
    for index in indexes:
        item = layout.itemAt(index)
        if item is None:
            continue
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            found.extend(_widget_in_order(widget))
        elif inner is not None:
            found.extend(_in_layout_order(inner))
    return found


def _widget_in_order(widget: QWidget) -> list[QWidget]:
    own = (
        [widget]
        if widget.focusProxy() is None
        and widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value
        else []
    )
    if isinstance(widget, QScrollArea) and (content := widget.widget()) is not None:
        return own + _widget_in_order(content)
    inner = widget.layout()
    return own + _in_layout_order(inner) if inner is not None else own


def _is_field(widget: QWidget, dialog: QWidget) -> bool:
    """Whether the widget is somewhere to type or choose, rather than a button, a note or
    a field that only shows."""
    if not (widget.isEnabled() and widget.isVisibleTo(dialog)):
        return False
    if isinstance(widget, (QPushButton, QToolButton, QLabel)):
        return False
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    return True


def _handles_enter(widget: QWidget | None) -> bool:
    """Whether a one-line field does something of its own when Enter is pressed in it."""
    return isinstance(widget, QLineEdit) and widget.isSignalConnected(
        QMetaMethod.fromSignal(widget.returnPressed)
    )


class SavePathField(QWidget):
    """Where to save a file: a path to type or paste, and Choose… for the usual dialog.

    The folder last saved to is offered next time, so a coordinator printing a run of
    documents picks the USB stick or the print folder once.
    """

    _last_folder: Path | None = None

    def __init__(self, suggested_name: str, caption: str, file_filter: str) -> None:
        super().__init__()
        self._caption = caption
        #: The path the person has agreed may replace a file there: the Save dialog asks.
        self._agreed = ""
        self._filter = file_filter
        folder = SavePathField._last_folder or Path.home()
        self.line = QLineEdit(str(folder / _safe_file_name(suggested_name)))
        self.line.setAccessibleName(caption)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, 1)
        row.addWidget(button("Ch&oose…", self._choose))
        self.setFocusProxy(self.line)

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self._caption, self.line.text(), self._filter)
        if path:
            self.line.setText(path)
            self._agreed = path

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
        check_save_path(self, target, agreed=text == self._agreed)
        self._agreed = text
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


def index_of(combo: QComboBox, value: object) -> int:
    """The row of ``combo`` holding ``value``, or -1. Qt's ``findData`` compares a Python
    value by identity, so it misses an equal id loaded afresh (a reload's new records)."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


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
