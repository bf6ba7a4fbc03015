"""Form dialogs driven by the keyboard alone: focus starts in the first field, Tab goes down
the form to the buttons, dates are typed as people write them, and what cannot be a date
is refused before anything is saved."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pytestqt.qtbot import QtBot

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import InvitationAnswer, PersonBase
from lt_desktop.ui.main_window import ChangePasswordDialog
from lt_desktop.ui.qt import (
    QAbstractButton,
    QApplication,
    QCalendarWidget,
    QDate,
    QLineEdit,
    QPlainTextEdit,
    QPoint,
    QPushButton,
    Qt,
    QWidget,
)
from lt_desktop.ui.screens.cohorts import CohortDialog, CohortsScreen
from lt_desktop.ui.screens.people import PeopleScreen, PersonDialog
from lt_desktop.ui.screens.sessions import PlanDialog, SessionDialog
from lt_desktop.ui.widgets import FormDialog
from tests.ui.conftest import Driver


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def focus_arrives_in(qtbot: QtBot, dialog: QWidget) -> None:
    """Wait for the dialog to be the window taking keys, as a person would."""

    def inside() -> bool:
        widget = QApplication.focusWidget()
        return widget is not None and dialog.isAncestorOf(widget)

    qtbot.waitUntil(inside, timeout=2000)


def name_of(widget: QWidget | None) -> str:
    """The field's name as a screen reader says it; a part of a field answers for it."""
    while widget is not None and not widget.accessibleName() and not widget.isWindow():
        widget = widget.parentWidget()
    return widget.accessibleName() if widget is not None else ""


def type_here(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def press(qtbot: QtBot, key: Qt.Key) -> None:
    qtbot.keyClick(focused(), key)


def tab_to(qtbot: QtBot, name: str) -> None:
    for _ in range(20):
        if name_of(focused()) == name:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {name!r}")


def text_shown(field: QWidget) -> str:
    line = field if isinstance(field, QLineEdit) else field.findChild(QLineEdit)
    assert line is not None
    return line.text()


def tab_stops(qtbot: QtBot, dialog: QWidget) -> list[QWidget]:
    """Where Tab goes, from the field with focus round to it again. A time field is one
    stop, though Tab goes from its hours to its minutes."""
    start = focused()
    stops = [start]
    for _ in range(60):
        press(qtbot, Qt.Key.Key_Tab)
        now = focused()
        if now is start:
            return stops
        assert dialog.isAncestorOf(now), f"Tab left the dialog for {now!r}"
        if now is not stops[-1]:
            stops.append(now)
    raise AssertionError("Tab never came back to where it started")


def _new_cohort(driver: Driver, qtbot: QtBot, fill: Callable[[CohortDialog], None]) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(CohortsScreen)
    assert isinstance(screen, CohortsScreen)

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, CohortDialog)
        focus_arrives_in(qtbot, dialog)
        fill(dialog)

    driver.answer_next_dialog(answer)
    qtbot.mouseClick(screen.new_button, Qt.MouseButton.LeftButton)
    driver.settle()


# -- dates ------------------------------------------------------------------------------------


def test_a_new_cohort_takes_dates_typed_in_two_forms(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    shown: dict[str, str] = {}

    def fill(dialog: CohortDialog) -> None:
        tab_to(qtbot, "Name")
        type_here(qtbot, "Evening cohort 2027")
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Starts"
        type_here(qtbot, "11 Jan 2027")
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Ends"
        type_here(qtbot, "20/05/2027")
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Places"
        # What was understood is shown once the field is left.
        shown["starts"], shown["ends"] = text_shown(dialog.starts), text_shown(dialog.ends)
        press(qtbot, Qt.Key.Key_Return)

    _new_cohort(driver, qtbot, fill)
    assert shown == {"starts": "Mon 11 Jan 2027", "ends": "Thu 20 May 2027"}
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        saved = next(
            c for c in workspace.programme.list_cohorts() if c.name == "Evening cohort 2027"
        )
        assert (saved.starts_on, saved.ends_on) == (date(2027, 1, 11), date(2027, 5, 20))


def test_an_iso_date_and_one_with_no_year_are_understood(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    def fill(dialog: CohortDialog) -> None:
        tab_to(qtbot, "Name")
        type_here(qtbot, "ISO cohort")
        tab_to(qtbot, "Starts")
        type_here(qtbot, "2027-01-11")
        press(qtbot, Qt.Key.Key_Tab)
        type_here(qtbot, "1st February 2027")
        press(qtbot, Qt.Key.Key_Return)

    _new_cohort(driver, qtbot, fill)
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        saved = next(c for c in workspace.programme.list_cohorts() if c.name == "ISO cohort")
        assert (saved.starts_on, saved.ends_on) == (date(2027, 1, 11), date(2027, 2, 1))


def test_an_impossible_date_is_refused_and_nothing_is_saved(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    seen: list[str] = []

    def fill(dialog: CohortDialog) -> None:
        tab_to(qtbot, "Name")
        type_here(qtbot, "Never saved")
        press(qtbot, Qt.Key.Key_Tab)
        type_here(qtbot, "31 Feb 2027")
        press(qtbot, Qt.Key.Key_Tab)
        type_here(qtbot, "hello")
        press(qtbot, Qt.Key.Key_Return)
        assert dialog.isVisible()
        seen.append(dialog.banner.text())
        # The field to put right has the focus, with the reason beside it.
        assert name_of(focused()) == "Starts"
        assert "February 2027 has only 28 days." in all_text(dialog.starts)
        type_here(qtbot, "1 Feb 2027")
        press(qtbot, Qt.Key.Key_Return)
        assert dialog.isVisible()
        seen.append(dialog.banner.text())
        assert name_of(focused()) == "Ends"
        press(qtbot, Qt.Key.Key_Escape)

    _new_cohort(driver, qtbot, fill)
    assert seen == [
        "Starts: February 2027 has only 28 days.",
        "Ends: “hello” is not a date. Type it as 11 Jan 2027, 11/01/2027 or 2027-01-11.",
    ]
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        assert "Never saved" not in [c.name for c in workspace.programme.list_cohorts()]


def all_text(widget: QWidget) -> str:
    from lt_desktop.ui.qt import QLabel

    return " ".join(
        label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)
    )


def test_up_and_down_step_a_day(driver: Driver, qtbot: QtBot, demo_dir: Path) -> None:
    def fill(dialog: CohortDialog) -> None:
        tab_to(qtbot, "Name")
        type_here(qtbot, "Stepped cohort")
        press(qtbot, Qt.Key.Key_Tab)
        type_here(qtbot, "31 Dec 2026")
        press(qtbot, Qt.Key.Key_Up)
        assert text_shown(dialog.starts) == "Fri 1 Jan 2027"
        press(qtbot, Qt.Key.Key_Tab)
        type_here(qtbot, "1 Jun 2027")
        press(qtbot, Qt.Key.Key_Down)
        press(qtbot, Qt.Key.Key_Return)

    _new_cohort(driver, qtbot, fill)
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        saved = next(c for c in workspace.programme.list_cohorts() if c.name == "Stepped cohort")
        assert (saved.starts_on, saved.ends_on) == (date(2027, 1, 1), date(2027, 5, 31))


def _on_its_own(qtbot: QtBot, make: Callable[[Any], FormDialog]) -> FormDialog:
    """The dialog as its own window, without the app around it."""
    dialog = make(None)
    _show(qtbot, dialog)
    return dialog


def test_the_date_understood_is_spelt_out_while_typing(qtbot: QtBot) -> None:
    dialog = _on_its_own(qtbot, PlanDialog)
    assert isinstance(dialog, PlanDialog)
    tab_to(qtbot, "First session")
    type_here(qtbot, "11 jan 27")
    assert dialog.first_on.understood.isVisible()
    assert dialog.first_on.understood.text() == "Monday 11 January 2027"
    press(qtbot, Qt.Key.Key_Tab)
    assert text_shown(dialog.first_on) == "Mon 11 Jan 2027"
    assert not dialog.first_on.understood.isVisible()


def test_page_up_and_page_down_step_a_month_keeping_to_its_days(qtbot: QtBot) -> None:
    dialog = _on_its_own(qtbot, PlanDialog)
    assert isinstance(dialog, PlanDialog)
    tab_to(qtbot, "First session")
    type_here(qtbot, "31 Jan 2028")
    press(qtbot, Qt.Key.Key_PageUp)
    assert text_shown(dialog.first_on) == "Tue 29 Feb 2028"
    press(qtbot, Qt.Key.Key_PageDown)
    assert text_shown(dialog.first_on) == "Sat 29 Jan 2028"
    for _ in range(12):
        press(qtbot, Qt.Key.Key_PageUp)
    assert text_shown(dialog.first_on) == "Mon 29 Jan 2029"


def test_the_calendar_opens_from_the_keyboard_and_from_its_button(qtbot: QtBot) -> None:
    dialog = _on_its_own(qtbot, PlanDialog)
    assert isinstance(dialog, PlanDialog)
    tab_to(qtbot, "First session")
    type_here(qtbot, "11 Jan 2027")
    qtbot.keyClick(focused(), Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = QApplication.activePopupWidget()
    assert isinstance(calendar, QCalendarWidget)
    assert calendar.selectedDate() == QDate(2027, 1, 11)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert dialog.isVisible()  # Enter chose the day; it did not press Plan
    assert text_shown(dialog.first_on) == "Tue 12 Jan 2027"
    assert name_of(focused()) == "First session"

    qtbot.mouseClick(dialog.first_on.calendar_button, Qt.MouseButton.LeftButton)
    assert QApplication.activePopupWidget() is calendar
    press(qtbot, Qt.Key.Key_Escape)
    assert not calendar.isVisible() and dialog.isVisible()
    assert text_shown(dialog.first_on) == "Tue 12 Jan 2027"


def test_a_release_date_may_be_left_empty_meaning_not_known(qtbot: QtBot) -> None:
    from lt_desktop.ui.screens.people import PrisonDetailsDialog

    dialog = _on_its_own(qtbot, lambda parent: PrisonDetailsDialog(parent, None))
    assert isinstance(dialog, PrisonDetailsDialog)
    tab_to(qtbot, "Release date")
    assert text_shown(dialog.release) == ""
    assert dialog.values()["release_date"] is None
    type_here(qtbot, "1/3/2028")
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.values()["release_date"] == date(2028, 3, 1)


# -- focus and Tab ----------------------------------------------------------------------------


def test_a_new_cohort_starts_in_its_first_field_and_tabs_down_the_form(
    driver: Driver, qtbot: QtBot
) -> None:
    names: list[str] = []
    buttons: list[str] = []

    def fill(dialog: CohortDialog) -> None:
        assert focused() is dialog.course
        names.extend(_describe(stop) for stop in tab_stops(qtbot, dialog))
        buttons.extend(_describe(b) for b in _buttons_in_order(dialog))
        press(qtbot, Qt.Key.Key_Escape)

    _new_cohort(driver, qtbot, fill)
    assert names == ["Course", "New course", "Name", "Starts", "Ends", "Places", *buttons]


def _describe(widget: QWidget) -> str:
    if isinstance(widget, QPushButton) or (
        isinstance(widget, QAbstractButton) and not widget.accessibleName()
    ):
        return widget.text().replace("&", "").rstrip("…")
    return name_of(widget)


def test_a_new_person_is_typed_and_saved_by_keyboard(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(PeopleScreen)
    assert isinstance(screen, PeopleScreen)

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, PersonDialog)
        focus_arrives_in(qtbot, dialog)
        assert name_of(focused()) == "Given name"
        type_here(qtbot, "Zephyrine")
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Family name"
        type_here(qtbot, "Quillfeather")
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Known as"
        type_here(qtbot, "Zeph")
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Based at"
        press(qtbot, Qt.Key.Key_Tab)
        tab_to(qtbot, "Email")  # past the prison number, asked for prison-based people
        type_here(qtbot, "zeph@example.org")
        # A prison-based learner's email needs their consent, which someone new lacks.
        tab_to_button(qtbot, dialog, "Save")
        press(qtbot, Qt.Key.Key_Space)
        assert dialog.isVisible() and "consent" in dialog.banner.text()
        assert name_of(focused()) == "Email", "the focus goes to what to put right"
        for _ in range(3):
            if name_of(focused()) != "Based at":
                press(qtbot, Qt.Key.Key_Backtab)
        assert name_of(focused()) == "Based at"
        press(qtbot, Qt.Key.Key_Down)  # based at the university
        tab_to(qtbot, "Email")
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Notes"
        type_here(qtbot, "Prefers mornings.")
        press(qtbot, Qt.Key.Key_Return)  # a new line in a note, not Save
        type_here(qtbot, "Bring large print.")
        assert dialog.isVisible()
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is dialog.ok_button or focused() in dialog.buttons.buttons()
        tab_to_button(qtbot, dialog, "Save")
        press(qtbot, Qt.Key.Key_Space)

    driver.answer_next_dialog(fill)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    driver.settle()
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        listing = next(p for p in workspace.people.list_people() if "Quillfeather" in p.sort_name)
        person = workspace.people.get_person(listing.id)
        assert (person.given_name, person.family_name, person.preferred_name) == (
            "Zephyrine",
            "Quillfeather",
            "Zeph",
        )
        assert (person.base, person.email) == (PersonBase.UNIVERSITY, "zeph@example.org")
        assert person.email == "zeph@example.org"
        assert person.notes == "Prefers mornings.\nBring large print."


def tab_to_button(qtbot: QtBot, dialog: FormDialog, text: str) -> None:
    for _ in range(6):
        widget = focused()
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "") == text:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached the {text} button")


def test_enter_in_a_single_line_field_saves(driver: Driver, qtbot: QtBot, demo_dir: Path) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(PeopleScreen)
    assert isinstance(screen, PeopleScreen)

    def fill(dialog: QWidget) -> None:
        focus_arrives_in(qtbot, dialog)
        type_here(qtbot, "Orlaith")
        press(qtbot, Qt.Key.Key_Tab)
        type_here(qtbot, "Brackenridge")
        press(qtbot, Qt.Key.Key_Return)

    driver.answer_next_dialog(fill)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    driver.settle()
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        assert any("Brackenridge, Orlaith" == p.sort_name for p in workspace.people.list_people())


def _show(qtbot: QtBot, dialog: FormDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    focus_arrives_in(qtbot, dialog)


def test_each_dialog_checked_by_hand(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    parent = driver.window
    expected: list[tuple[FormDialog, list[str]]] = [
        (PlanDialog(parent), ["Weeks", "First session", "Starts at"]),
        (
            SessionDialog(parent, None, [], 4),
            [
                "Week",
                "Date",
                "Kind",
                "Title",
                "Set the times",
                "Starts",
                "Ends",
                "Lecturer",
                "Room",
            ],
        ),
        (
            ChangePasswordDialog(parent, driver.controller),
            ["Current password", "New password", "New password again"],
        ),
    ]
    for dialog, fields in expected:
        _show(qtbot, dialog)
        stops = [_describe(stop) for stop in tab_stops(qtbot, dialog)]
        buttons = [_describe(b) for b in _buttons_in_order(dialog)]
        assert stops == [*fields, *buttons], dialog.windowTitle()
        dialog.close()


def _buttons_in_order(dialog: FormDialog) -> list[QAbstractButton]:
    shown = [b for b in dialog.buttons.buttons() if b.isVisibleTo(dialog)]
    return sorted(shown, key=lambda b: b.mapTo(dialog, QPoint(0, 0)).x())


def test_enter_in_a_note_makes_a_new_line_in_every_dialog_with_one(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("staff", "demo")
    for make in _CHEAP_DIALOGS.values():
        dialog = make(driver)
        notes = [
            n
            for n in dialog.findChildren(QPlainTextEdit)
            if n.isVisibleTo(dialog) and not n.isReadOnly()
        ]
        if not notes:
            dialog.deleteLater()
            continue
        _show(qtbot, dialog)
        for note in notes:
            for _ in range(30):
                if focused() is note:
                    break
                press(qtbot, Qt.Key.Key_Tab)
            assert focused() is note, f"{dialog.windowTitle()}: Tab never reached {name_of(note)}"
            qtbot.keyClick(note, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
            before = note.toPlainText()
            press(qtbot, Qt.Key.Key_Return)
            assert dialog.isVisible(), f"{dialog.windowTitle()}: Enter in {name_of(note)} saved"
            assert note.toPlainText() == before + "\n"
        dialog.close()


def test_every_form_starts_in_its_first_field_and_tabs_top_to_bottom(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("staff", "demo")
    problems: list[str] = []
    for name, make in _CHEAP_DIALOGS.items():
        dialog = make(driver)
        _show(qtbot, dialog)
        first = focused()
        if isinstance(first, QPushButton) or not dialog.isAncestorOf(first):
            problems.append(f"{name} starts on {_describe(first)!r}")
            dialog.close()
            continue
        stops = tab_stops(qtbot, dialog)
        heights = [stop.mapTo(dialog, QPoint(0, 0)).y() for stop in stops]
        # Tab goes round: read the round from the top, wherever the dialog put the focus.
        top = heights.index(min(heights))
        stops, heights = stops[top:] + stops[:top], heights[top:] + heights[:top]
        if heights != sorted(heights):
            problems.append(f"{name} tabs out of order: {[_describe(s) for s in stops]}")
        buttons = set(dialog.buttons.buttons())
        last_field = max((i for i, s in enumerate(stops) if s not in buttons), default=-1)
        if any(s in buttons for s in stops[: last_field + 1]):
            problems.append(f"{name} puts a button before a field")
        dialog.close()
    assert problems == []


def test_every_form_dialog_is_checked_or_has_a_reason_not_to_be() -> None:
    import importlib
    import pkgutil

    import lt_desktop.ui.screens as screens

    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"{screens.__name__}.{module.name}")
    importlib.import_module("lt_desktop.ui.unlock")

    def subclasses(cls: type) -> set[type]:
        found: set[type] = set(cls.__subclasses__())
        return found.union(*(subclasses(c) for c in found)) if found else found

    every = {c.__name__ for c in subclasses(FormDialog) if not c.__module__.startswith("tests")}
    assert every - set(_CHEAP_DIALOGS) - set(_NEEDS_STORE_RECORDS) == set()


def _stand_in(**attributes: Any) -> Any:
    """A record with only the attributes a dialog reads when it opens."""
    return SimpleNamespace(**attributes)


_ID = uuid.UUID(int=1)

_CHEAP_DIALOGS: dict[str, Callable[[Driver], FormDialog]] = {}


def _cheap(name: str) -> Callable[[Callable[[Driver], FormDialog]], None]:
    def register(make: Callable[[Driver], FormDialog]) -> None:
        _CHEAP_DIALOGS[name] = make

    return register


@_cheap("ChangePasswordDialog")
def _(d: Driver) -> FormDialog:
    return ChangePasswordDialog(d.window, d.controller)


@_cheap("PlanDialog")
def _(d: Driver) -> FormDialog:
    return PlanDialog(d.window)


@_cheap("SessionDialog")
def _(d: Driver) -> FormDialog:
    return SessionDialog(d.window, None, [], 1)


@_cheap("CancelDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.domain.vocabulary import SessionKind
    from lt_desktop.ui.screens.sessions import CancelDialog

    week = _stand_in(
        week=7, title="", kind=SessionKind.LECTURE_AND_DISCUSSION, held_on=date(2026, 11, 2)
    )
    return CancelDialog(d.window, week)


@_cheap("CohortDialog")
def _(d: Driver) -> FormDialog:
    course = _stand_in(id=_ID, title="Philosophy", partnership_name="HMP and University")
    return CohortDialog(d.window, d.controller, None, [], [course])


@_cheap("CourseDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.cohorts import CourseDialog

    return CourseDialog(d.window, d.controller, [])


@_cheap("EnrolDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.cohorts import EnrolDialog

    return EnrolDialog(d.window, [], "Spring")


@_cheap("StatusDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.domain.vocabulary import MembershipStatus
    from lt_desktop.ui.screens.cohorts import StatusDialog

    member = _stand_in(
        display_name="Ada Lovelace", status=MembershipStatus.ACTIVE, status_since=date(2026, 1, 5)
    )
    return StatusDialog(d.window, member, MembershipStatus.WITHDRAWN)


@_cheap("RoleDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.domain.vocabulary import MembershipRole
    from lt_desktop.ui.screens.cohorts import RoleDialog

    return RoleDialog(d.window, _stand_in(display_name="Ada", role=MembershipRole.STUDENT))


@_cheap("PersonDialog")
def _(d: Driver) -> FormDialog:
    return PersonDialog(d.window, None, may_set_prison_details=True)


@_cheap("PrisonDetailsDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.people import PrisonDetailsDialog

    return PrisonDetailsDialog(d.window, None)


@_cheap("ConsentDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.people import ConsentDialog

    return ConsentDialog(d.window, withdrawing=False)


@_cheap("MeetingDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.interviews import MeetingDialog

    return MeetingDialog(d.window, next_week=11, held_on=date(2027, 3, 1), location="Chapel")


@_cheap("DeclineDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.applications import DeclineDialog

    return DeclineDialog(d.window, _stand_in(name="Ada Lovelace"))


@_cheap("LettersDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.applications import LettersDialog

    return LettersDialog(d.window, "Spring", {}, None)


@_cheap("AllocateDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.groups import AllocateDialog

    return AllocateDialog(d.window, 3)


@_cheap("GroupChoiceDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.groups import GroupChoiceDialog

    return GroupChoiceDialog(d.window, [], "Move to a group", ask_name=True)


@_cheap("RestoreDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.backups import RestoreDialog

    return RestoreDialog(d.window, d.controller, None, "")


@_cheap("RecordEssayDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.essays import RecordEssayDialog

    return RecordEssayDialog(d.window, [(_ID, "Ada Lovelace")], None)


@_cheap("AllocateMarkersDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.essays import AllocateMarkersDialog

    return AllocateMarkersDialog(d.window, [(_ID, "Mary Marker"), (uuid.uuid4(), "Sam Second")])


@_cheap("MarkingPackDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.essays import MarkingPackDialog

    return MarkingPackDialog(d.window, [(_ID, "Mary Marker")], "Spring")


@_cheap("FeedbackSheetsDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.essays import FeedbackSheetsDialog

    return FeedbackSheetsDialog(d.window, "Spring", None)


@_cheap("EnterMarksDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.essays import EnterMarksDialog

    return EnterMarksDialog(d.window, d.controller)


@_cheap("NewEventDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.graduation import NewEventDialog

    cohort = _stand_in(id=_ID, title="Spring", name="Spring", ends_on=date(2027, 5, 20))
    return NewEventDialog(d.window, [cohort])


@_cheap("CohortDialog (graduation)")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.graduation import CohortDialog as GraduatingCohortDialog

    return GraduatingCohortDialog(d.window, "Add a cohort", "Add", [("Spring", _ID)])


@_cheap("TemplateDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.questionnaires import TemplateDialog

    return TemplateDialog(d.window, None)


@_cheap("InviteDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.mentoring import InviteDialog

    return InviteDialog(d.window, "Ada Lovelace", "Spring")


@_cheap("AnswerDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.mentoring import AnswerDialog

    return AnswerDialog(d.window, "Ada Lovelace", InvitationAnswer.AWAITING, "")


@_cheap("TrainingDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.mentoring import TrainingDialog

    candidate = _stand_in(
        display_name="Ada Lovelace",
        person_id=_ID,
        graduated_from="Spring 2026",
        graduated_on=date(2026, 5, 20),
    )
    return TrainingDialog(d.window, [candidate])


@_cheap("FacilitatorTrainingDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.views.facilitator_training import FacilitatorTrainingDialog

    return FacilitatorTrainingDialog(d.window, "Ada Lovelace")


@_cheap("ProjectDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.domain.vocabulary import SessionKind
    from lt_desktop.ui.views.projects import ProjectDialog

    week = _stand_in(
        id=_ID,
        week=9,
        held_on=date(2026, 11, 9),
        title="",
        kind=SessionKind.GROUP_PROJECT,
    )
    groups = [_stand_in(id=uuid.UUID(int=n), name=f"Group {n}") for n in (2, 3)]
    return ProjectDialog(d.window, None, [week], groups)


@_cheap("AccountDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.administration import AccountDialog

    return AccountDialog(d.window)


@_cheap("PasswordDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.administration import PasswordDialog

    return PasswordDialog(d.window, "Set a password", "ada")


@_cheap("RecoveryDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.unlock import RecoveryDialog

    return RecoveryDialog(d.window)


@_cheap("ItemDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.graduation import ItemDialog

    item = _stand_in(starts_at="14:00", title="Welcome", kind="speech", who="The governor")
    return ItemDialog(d.window, item)


@_cheap("NoteDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.views.register import NoteDialog

    return NoteDialog(d.window, "Ada Lovelace", "", marked=False)


#: Dialogs that open on records only a store can give; each is opened on the demo store by
#: its own screen's tests.
@_cheap("NewLaptopDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.laptops import NewLaptopDialog

    cohorts = [_stand_in(id=_ID, title="Autumn 2026"), _stand_in(id=_ID, title="Spring 2027")]
    return NewLaptopDialog(d.window, cohorts, "")


@_cheap("TransferDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.people.moves import TransferDialog

    return TransferDialog(d.window, "Sam Reed", ["HMP Southgate", "HMP Westmoor"])


@_cheap("ReleaseDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.people.moves import ReleaseDialog

    return ReleaseDialog(d.window, "Sam Reed")


@_cheap("TakeOnDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.people.moves import TakeOnDialog

    transfer = _stand_in(person_name="Sam Reed", transferred_on=date(2027, 3, 1))
    cohort = _stand_in(id=_ID, course_title="Philosophy", name="Spring 2027")
    return TakeOnDialog(d.window, transfer, [cohort])


@_cheap("MergeDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.people.moves import MergeDialog

    other = _stand_in(id=uuid.UUID(int=2), label="Sam Reed (Spring 2027 · 0002)")
    return MergeDialog(d.window, d.controller, _ID, "Sam Reed", [other])


@_cheap("EraseDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.core.services.erasure import ErasureCount, ErasurePreview
    from lt_desktop.ui.screens.people.erase import EraseDialog

    counts = (ErasureCount("person record", 1), ErasureCount("stories", 7))
    preview = ErasurePreview(_ID, "Sam Reed", "RH96CQ2BSS", counts, "Reed, Sam")
    return EraseDialog(d.window, preview)


@_cheap("RekeyDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.administration import RekeyDialog

    return RekeyDialog(d.window)


@_cheap("ProgressionDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.ui.screens.people.after_course import ProgressionDialog

    cohort = _stand_in(id=_ID, title="Philosophy: Spring 2027", ends_on=date(2027, 5, 20))
    return ProgressionDialog(d.window, "Sam Reed", None, [cohort])


@_cheap("StationeryDialog")
def _(d: Driver) -> FormDialog:
    from lt_desktop.core.services.stationery import StationeryInfo
    from lt_desktop.ui.views.stationery import StationeryDialog

    stationery = StationeryInfo(
        _ID, "Testbridge Learning Together", "HMP Testbridge", "University of Testbridge"
    )
    return StationeryDialog(d.window, stationery)


_NEEDS_STORE_RECORDS = {
    "EnterApplicationsDialog": "the Applications screen itself",
    "EditApplicationDialog": "an application with its assessments",
    "PairDialog": "another site's keys",
    "ExportDialog": "a paired site",
    "ImportPreviewDialog": "a checked import file",
    "AgreeDialog": "an essay with two marks",
    "GuestDialog": "a guest with clearance",
    "IssueDialog": "a graduation's details",
    "PrintDialog": "a graduation event",
    "AssignDialog": "a mentor and a group plan",
    "NewKeyDialog": "a new recovery key",
    "RekeyedDialog": "a re-key's one-time passwords and new recovery key",
}
