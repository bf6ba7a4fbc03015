"""One person: their details, consent, cohorts, register, journey and, for a
facilitator, their training; and a copy of everything held about them, when they ask."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.access_request import AccessExport
from lt_desktop.core.services.attendance import FOOTNOTE
from lt_desktop.core.services.consent import ConsentState
from lt_desktop.core.services.erasure import ErasurePreview
from lt_desktop.core.services.facilitators import FacilitatorTrainingInfo
from lt_desktop.core.services.mentoring import Journey
from lt_desktop.core.services.people import (
    AttendanceLine,
    MembershipLine,
    PersonListing,
    PersonPage,
    PrisonDetailsInfo,
    plain_name,
    short_reference,
)
from lt_desktop.core.services.progression import ProgressionInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.access_export import write_person_data
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    MembershipRole,
    PersonBase,
    SiteKind,
    week_number,
)
from lt_desktop.domain.wording import percent
from lt_desktop.ui.fitting import flow
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import offer_only_if
from lt_desktop.ui.screens.people.after_course import AfterCourseBox
from lt_desktop.ui.screens.people.erase import EraseDialog
from lt_desktop.ui.screens.people.forms import (
    ConsentDialog,
    PersonDialog,
    PrisonDetailsDialog,
    check_for_likely_duplicates,
)
from lt_desktop.ui.screens.people.moves import MergeDialog, ReleaseDialog, TransferDialog
from lt_desktop.ui.views.facilitator_training import FacilitatorTrainingBox
from lt_desktop.ui.views.journey import JourneyView
from lt_desktop.ui.widgets import Banner, Tone, button, heading, muted

if TYPE_CHECKING:
    from lt_desktop.ui.screens.people.screen import PeopleScreen

#: What a person's page loads at once: the page, consent (if this account may see it),
#: their journey, their steps after the course (if this account keeps them) and their
#: facilitator training.
Loaded = tuple[
    PersonPage,
    list[ConsentState] | None,
    Journey,
    list[ProgressionInfo] | None,
    list[FacilitatorTrainingInfo],
]


class PersonPanel(QScrollArea):
    def __init__(self, screen: PeopleScreen) -> None:
        super().__init__()
        self._screen = screen
        self.controller = screen.controller
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        self.setWidget(body)
        self.name = heading("", 1)
        self.name.setAccessibleName("Person's name")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.edit_button = button("&Edit…", self._edit, accessible="Edit person")
        offer_only_if(screen.may(Permission.EDIT_PEOPLE), self.edit_button)
        self.transfer_button = button("&Transfer…", self._transfer, accessible="Transfer")
        self.release_button = button("Re&lease…", self._release, accessible="Release")
        offer_only_if(screen.may_move_people, self.transfer_button, self.release_button)
        self.merge_button = button("&Merge with…", self._merge, accessible="Merge with")
        offer_only_if(screen.may(Permission.EDIT_PEOPLE), self.merge_button)
        self.erase_button = button("E&rase…", self._erase, accessible="Erase person")
        offer_only_if(screen.may(Permission.ERASE_PEOPLE), self.erase_button)
        self.export_button = button(
            "E&xport their data…", self._export_data, accessible="Export their data"
        )
        offer_only_if(screen.may(Permission.EXPORT_PERSON_DATA), self.export_button)
        self.banner = Banner()
        self.journey = JourneyView()

        self.memberships = RecordTableModel[MembershipLine](
            [
                Column("Cohort", lambda m: f"{m.course_title}: {m.cohort_name}"),
                Column("Role", lambda m: m.role.label),
                Column("Status", lambda m: f"{m.status.label} since {m.status_since:%d %b %Y}"),
                Column(
                    "Attended",
                    lambda m: f"{m.attendance.attended} of {m.attendance.held}",
                    tooltip=lambda m: "sessions attended, of those held",
                ),
                Column("Attendance", lambda m: percent(m.attendance.attendance)),
                Column("Engagement", lambda m: percent(m.attendance.engagement)),
            ]
        )
        self.attendance = RecordTableModel[AttendanceLine](
            [
                Column("Date", lambda a: f"{a.held_on:%d %b %Y}"),
                Column("Cohort", lambda a: a.cohort_name),
                Column("Week", lambda a: week_number(a.week), align_right=True),
                Column("Attendance", lambda a: a.status),
            ]
        )
        self.consent = RecordTableModel[ConsentState](
            [
                Column("Research consent", lambda c: c.scope.label),
                Column("State", lambda c: c.describe()),
                Column("Form", lambda c: c.form_reference),
            ]
        )
        self.consent_view = _table(self.consent, "Consent", rows=6)
        self.consent_box = QGroupBox("Consent to take part in research")
        consent_layout = QVBoxLayout(self.consent_box)
        consent_layout.addWidget(self.consent_view)
        consent_buttons = QHBoxLayout()
        consent_buttons.addWidget(button("Record &consent…", self._record_consent))
        consent_buttons.addWidget(button("&Withdraw consent…", self._withdraw_consent))
        consent_buttons.addStretch(1)
        consent_layout.addLayout(consent_buttons)

        self.training_box = FacilitatorTrainingBox(
            self.controller, screen.may(Permission.MANAGE_MEMBERSHIPS)
        )

        self.prison_box = QGroupBox("Prison-only details (never leave this site)")
        self.prison_details = QLabel()
        self.prison_details.setWordWrap(True)
        self.prison_details.setTextFormat(Qt.TextFormat.PlainText)
        prison_layout = QVBoxLayout(self.prison_box)
        prison_layout.addWidget(self.prison_details)
        self.prison_edit = button("Edit &prison details…", self._edit_prison)
        prison_layout.addWidget(self.prison_edit, 0, Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(body)
        layout.addWidget(self.name)
        # A row that wraps: five buttons beside a long name would not fit a small laptop.
        layout.addLayout(
            flow(
                (
                    self.edit_button,
                    self.transfer_button,
                    self.release_button,
                    self.merge_button,
                    self.erase_button,
                    self.export_button,
                )
            )
        )
        layout.addWidget(self.details)
        layout.addWidget(self.banner)
        layout.addWidget(_section("Journey"))
        layout.addWidget(self.journey)
        layout.addWidget(_section("Cohorts"))
        layout.addWidget(_table(self.memberships, "Cohorts", rows=6))
        self.figures_note = muted(FOOTNOTE)
        self.figures_note.setAccessibleName("What attendance and engagement mean")
        layout.addWidget(self.figures_note)
        layout.addWidget(_section("Attendance"))
        layout.addWidget(_table(self.attendance, "Attendance history", rows=8))
        layout.addWidget(self.training_box)
        layout.addWidget(self.consent_box)
        self.after_course = AfterCourseBox(self.controller)
        layout.addWidget(self.after_course)
        layout.addWidget(self.prison_box)
        layout.addStretch(1)
        self.may_see_prison = False
        self._page: PersonPage | None = None
        self._show_nothing()

    def _show_nothing(self) -> None:
        self.journey.set_journey(None)
        self.training_box.clear()
        self.training_box.hide()
        self.name.setText("Choose a person")
        self.details.setText("Pick someone from the list to see their cohorts and attendance.")
        for widget in (
            self.edit_button,
            self.transfer_button,
            self.release_button,
            self.merge_button,
            self.erase_button,
            self.export_button,
            self.consent_box,
            self.after_course,
            self.prison_box,
        ):
            widget.setEnabled(False)

    def load(self, person_id: uuid.UUID) -> None:
        may_consent = self._screen.may(Permission.RECORD_CONSENT) or self._screen.may(
            Permission.ENTER_RESEARCH_DATA
        )

        may_follow = self._screen.may(Permission.EDIT_PEOPLE)

        def fetch(ws: Workspace) -> Loaded:
            page = ws.people.person_page(person_id)
            consent = ws.consent.states(person_id) if may_consent else None
            steps = ws.progression.list_for(person_id) if may_follow else None
            training = ws.facilitators.training(person_id)
            return page, consent, ws.mentoring.journey(person_id), steps, training

        self.controller.load(fetch, self._show, self._failed)

    def _failed(self, message: str) -> None:
        self._show_nothing()
        self.banner.show_message(message, Tone.ERROR)

    def _show(self, result: Loaded) -> None:
        page, consent, journey, steps, training = result
        self._page = page
        person = page.person
        self.banner.clear()
        self.name.setText(person.display_name)
        lines = []
        if person.preferred_name:
            lines.append(f"Full name: {person.given_name} {person.family_name}")
        if person.email:
            lines.append(f"Email: {person.email}")
        if person.notes:
            lines.append(f"Notes: {person.notes}")
        lines.append(f"Reference: {short_reference(person.id)}")
        self.details.setText("\n".join(lines))
        for action in (
            self.edit_button,
            self.transfer_button,
            self.release_button,
            self.merge_button,
            self.erase_button,
            self.export_button,
        ):
            action.setEnabled(True)
        self.journey.set_journey(journey)
        self.memberships.set_rows(page.memberships)
        self.attendance.set_rows(page.attendance)
        # Shown for anyone who facilitates, or was trained to: the Groups screen warns
        # of a group whose facilitator has no training recorded.
        facilitates = any(m.role is MembershipRole.FACILITATOR for m in page.memberships)
        self.training_box.setVisible(facilitates or bool(training))
        self.training_box.show_person(person.id, person.display_name, training)
        self.consent_box.setVisible(consent is not None)
        self.consent_box.setEnabled(True)
        if consent is not None:
            self.consent.set_rows(consent)
        may_record = self._screen.may(Permission.RECORD_CONSENT)
        for child in self.consent_box.findChildren(type(self.edit_button)):
            child.setVisible(may_record)
        self.after_course.setVisible(steps is not None)
        if steps is not None:
            followed = any(c.scope is ConsentScope.PROGRESSION and c.active for c in consent or [])
            self.after_course.setEnabled(True)
            self.after_course.show_steps(person.id, person.display_name, steps, followed)
        self.may_see_prison = page.may_see_prison_details
        self.prison_box.setVisible(page.may_see_prison_details and person.base is PersonBase.PRISON)
        self.prison_box.setEnabled(True)
        self.prison_edit.setVisible(self._screen.may(Permission.EDIT_PRISON_DETAILS))
        self.prison_details.setText(_describe_prison_details(page.prison_details))

    def _edit(self) -> None:
        self._edit_person(None)

    def _edit_person(self, typed: dict[str, Any] | None) -> None:
        if self._page is None:
            return
        person = self._page.person
        dialog = PersonDialog(self, person, may_set_prison_details=False)
        if typed is not None:
            dialog.fill(typed)
        if not dialog.exec():
            return
        values = dialog.values()

        def save() -> None:
            self.controller.change(lambda ws: ws.people.update_person(person.id, **values))

        names = ("given_name", "family_name", "preferred_name")
        before = (person.given_name, person.family_name, person.preferred_name)
        if [plain_name(values[n]) for n in names] == [plain_name(n) for n in before]:
            save()
        else:
            check_for_likely_duplicates(
                self, self.controller, values, person.id, save, lambda: self._edit_person(values)
            )

    def _edit_prison(self) -> None:
        if self._page is None:
            return
        person_id = self._page.person.id
        dialog = PrisonDetailsDialog(self, self._page.prison_details)
        if dialog.exec():
            values = dialog.values()
            self.controller.change(lambda ws: ws.people.set_prison_details(person_id, **values))

    def _transfer(self) -> None:
        if self._page is None:
            return
        person = self._page.person
        may_sync, may_laptops = (
            self._screen.may(Permission.SYNC),
            self._screen.may(Permission.MANAGE_LAPTOPS),
        )

        def paired_prisons(ws: Workspace) -> list[str]:
            if not may_sync:
                return []
            laptops = {lap.site_id for lap in ws.laptops.laptops()} if may_laptops else set()
            return sorted(
                {
                    p.name
                    for p in ws.sync.partners()
                    if p.kind is SiteKind.PRISON
                    and p.revoked_at is None
                    and p.site_id not in laptops
                },
                key=str.casefold,
            )

        def ask(prisons: list[str]) -> None:
            dialog = TransferDialog(self, person.display_name, prisons)
            if dialog.exec():
                values = dialog.values()
                self.controller.change(lambda ws: ws.people.transfer(person.id, **values))

        self.controller.load(paired_prisons, ask)

    def _release(self) -> None:
        if self._page is None:
            return
        person = self._page.person
        dialog = ReleaseDialog(self, person.display_name)
        if dialog.exec():
            values = dialog.values()
            self.controller.change(lambda ws: ws.people.release(person.id, **values))

    def _merge(self) -> None:
        if self._page is None:
            return
        person = self._page.person

        def ask(people: list[PersonListing]) -> None:
            others = sorted(
                (p for p in people if p.id != person.id), key=lambda p: p.sort_name.casefold()
            )
            dialog = MergeDialog(self, self.controller, person.id, person.display_name, others)
            if dialog.exec():
                merge_id = dialog.merge_id()
                self.controller.change(
                    lambda ws: ws.people.merge_people(person.id, merge_id),
                    self._merged,
                )

        self.controller.load(lambda ws: ws.people.list_people(), ask)

    def _merged(self, survivor: uuid.UUID) -> None:
        self._screen.show_person(survivor)

    def _erase(self) -> None:
        if self._page is None:
            return
        person_id = self._page.person.id

        def ask(preview: ErasurePreview) -> None:
            if EraseDialog(self, preview).exec():
                self.controller.change(
                    lambda ws: ws.erasure.erase(person_id), lambda _: self._erased()
                )

        self.controller.load(lambda ws: ws.erasure.preview(person_id), ask)

    def _erased(self) -> None:
        self._screen.forget_person()
        self._page = None
        self._show_nothing()

    def _export_data(self) -> None:
        """A subject access request: everything held about them, into a new folder
        (named by their research id) in the place chosen."""
        if self._page is None:
            return
        person_id = self._page.person.id
        place = QFileDialog.getExistingDirectory(
            self, "Where should the folder of their data go?", str(Path.home())
        )
        if not place:
            return

        def export(ws: Workspace) -> AccessExport:
            folder = ws.access_requests.suggested_folder(person_id, Path(place))
            return ws.access_requests.export(person_id, folder, pdf=write_person_data)

        self.banner.show_message("Gathering everything held about them…")
        self.controller.change(
            export,
            self._exported,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _exported(self, done: AccessExport) -> None:
        self.banner.show_message(
            f"Everything held about them is in {done.folder}: {done.files[0]} to read, "
            f"and the same data as JSON and CSV files ({done.total} records). Other "
            "people's names are shown as [another participant]. Hand it over in person or "
            "on encrypted media, and delete any copy left behind.",
            Tone.GOOD,
        )

    def _record_consent(self) -> None:
        if self._page is None:
            return
        person_id = self._page.person.id
        dialog = ConsentDialog(self, withdrawing=False)
        if dialog.exec():
            scope, on, reference = dialog.values()
            self.controller.change(
                lambda ws: ws.consent.record(
                    person_id, scope, given_on=on, form_reference=reference
                ),
            )

    def _withdraw_consent(self) -> None:
        if self._page is None:
            return
        person_id = self._page.person.id
        dialog = ConsentDialog(self, withdrawing=True)
        if dialog.exec():
            scope, on, _ = dialog.values()
            self.controller.change(lambda ws: ws.consent.withdraw(person_id, scope, on=on))


def _describe_prison_details(details: PrisonDetailsInfo | None) -> str:
    if details is None:
        return "None recorded yet."
    lines = [
        f"Prison number: {details.prison_number or 'not recorded'}",
        f"Location: {details.location or 'not recorded'}",
        "Release date: "
        + (f"{details.release_date:%d %b %Y}" if details.release_date else "not recorded"),
        f"Clearance to attend: {details.clearance.label}"
        + (f" ({details.clearance_on:%d %b %Y})" if details.clearance_on else ""),
    ]
    if details.security_notes:
        lines.append(f"Security notes: {details.security_notes}")
    return "\n".join(lines)


def _section(text: str) -> QLabel:
    return heading(text, 2)


def _table(model: RecordTableModel[Any], name: str, rows: int = 4) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    view.setAlternatingRowColors(True)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    model.modelReset.connect(lambda: _fit_rows(view, rows))
    _fit_rows(view, rows)
    return view


def _fit_rows(view: QTableView, most: int) -> None:
    """As tall as its rows (at least one, at most ``most``), so short lists take little room."""
    shown = min(max(view.model().rowCount(), 1), most)
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
    height += (
        sum(view.verticalHeader().sectionSize(r) for r in range(shown))
        if view.model().rowCount()
        else view.verticalHeader().defaultSectionSize()
    )
    view.setFixedHeight(height + 2)
