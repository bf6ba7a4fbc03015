"""People: one searchable list for everyone, and a page per person."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from lt_desktop.core.services.consent import ConsentState
from lt_desktop.core.services.mentoring import Journey
from lt_desktop.core.services.movement import TransferInfo
from lt_desktop.core.services.people import (
    CONTACT_NEEDS_CONSENT,
    AttendanceLine,
    LikelyDuplicate,
    MembershipLine,
    PersonInfo,
    PersonListing,
    PersonPage,
    PrisonDetailsInfo,
    plain_name,
    short_reference,
)
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ClearanceStatus, ConsentScope, PersonBase, SiteKind
from lt_desktop.ui.controller import CONSENT, MEMBERS, MENTORING, PEOPLE, REGISTER, AppController
from lt_desktop.ui.fitting import flow
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QModelIndex,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.screens.people_moves import (
    MergeDialog,
    ReleaseDialog,
    TakeOnDialog,
    TransferDialog,
)
from lt_desktop.ui.views.journey import JourneyView
from lt_desktop.ui.views.people_list import ID_ROLE, PeopleListModel
from lt_desktop.ui.widgets import (
    Banner,
    DateField,
    EmptyOr,
    EnumCombo,
    FormDialog,
    Tone,
    button,
    date_field,
    date_of,
    heading,
    muted,
    show_error,
)


class PeopleScreen(Screen):
    title = "People"
    needs = frozenset({Permission.VIEW_PEOPLE})
    listens_to = frozenset({PEOPLE, MEMBERS, REGISTER, CONSENT, MENTORING})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search: type part of a name")
        self.search.setAccessibleName("Search people")
        self.search.setClearButtonEnabled(True)
        self.model = PeopleListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("People")
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.count = muted()
        self.list_or_empty = EmptyOr(self.list, "No people yet.")
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._open_first)
        self.list.selectionModel().currentChanged.connect(self._person_chosen)
        self.add_button = button("A&dd person…", self._add)
        offer_only_if(self.may(Permission.EDIT_PEOPLE), self.add_button)
        self.arrivals_box = QGroupBox("Arriving by transfer")
        self.arrivals = QListWidget()
        self.arrivals.setAccessibleName("Learners arriving by transfer")
        self.arrivals.setMaximumHeight(110)
        self.take_on_button = button("Ta&ke on…", self._take_on)
        arrivals_layout = QVBoxLayout(self.arrivals_box)
        arrivals_layout.addWidget(self.arrivals)
        arrivals_layout.addWidget(self.take_on_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.arrivals_box.hide()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(heading("People"))
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.list_or_empty, 1)
        left_layout.addWidget(self.count)
        left_layout.addWidget(self.add_button)
        left_layout.addWidget(self.arrivals_box)
        self.page = PersonPanel(self)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.page)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([320, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._current: uuid.UUID | None = None

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.people.list_people(), self._show_people)
        if self.may_move_people:
            self.controller.load(
                lambda ws: ws.people.transfers(arriving_only=True), self._show_arrivals
            )
        if self._current is not None:
            self.page.load(self._current)

    def _show_people(self, people: list[PersonListing]) -> None:
        self.model.set_people(people)
        self.list_or_empty.set_empty(
            not people,
            "No people yet. Add the first with Add person."
            if self.may(Permission.EDIT_PEOPLE)
            else "There is nobody in your cohorts yet.",
        )
        self._update_count()
        if self._current is not None:
            row = self.model.row_of(self._current)
            if row >= 0:
                self.list.setCurrentIndex(self.model.index(row))

    @property
    def may_move_people(self) -> bool:
        """Transfers, releases and taking on are recorded by staff at a prison."""
        return self.controller.site_kind is SiteKind.PRISON and self.may(
            Permission.MANAGE_MEMBERSHIPS
        )

    def _show_arrivals(self, arriving: list[TransferInfo]) -> None:
        self.arrivals.clear()
        for transfer in arriving:
            item = QListWidgetItem(
                f"{transfer.person_name}, transferred {transfer.transferred_on:%d %b %Y}"
            )
            item.setData(ID_ROLE, transfer)
            self.arrivals.addItem(item)
        if arriving:
            self.arrivals.setCurrentRow(0)
        self.arrivals_box.setVisible(bool(arriving))

    def _take_on(self) -> None:
        item = self.arrivals.currentItem()
        if item is None:
            return
        transfer: TransferInfo = item.data(ID_ROLE)

        def ask(cohorts: list[Any]) -> None:
            dialog = TakeOnDialog(self, transfer, cohorts)
            if not dialog.exec():
                return
            cohort_id, on = dialog.values()
            self._current = transfer.person_id
            self.controller.change(
                lambda ws: ws.people.take_on(transfer.person_id, cohort_id, on=on),
                {PEOPLE, MEMBERS},
            )

        self.controller.load(lambda ws: ws.programme.list_cohorts(), ask)

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        self.count.setText(
            f"{total:,} people" if shown == total else f"{shown:,} of {total:,} people match"
        )

    def _open_first(self) -> None:
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
            self.list.setFocus()

    def _person_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        person_id = current.data(ID_ROLE) if current.isValid() else None
        self._current = person_id
        if person_id is not None:
            self.page.load(person_id)

    def show_person(self, person_id: uuid.UUID) -> None:
        self._current = person_id
        self.search.clear()
        row = self.model.row_of(person_id)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))
        self.page.load(person_id)

    def _add(self) -> None:
        self._add_person(None)

    def _add_person(self, typed: dict[str, Any] | None) -> None:
        may_set_prison_details = self.controller.site_kind is SiteKind.PRISON and self.may(
            Permission.EDIT_PRISON_DETAILS
        )
        dialog = PersonDialog(self, None, may_set_prison_details=may_set_prison_details)
        if typed is not None:
            dialog.fill(typed)
        if not dialog.exec():
            return
        values = dialog.values()
        check_for_likely_duplicates(
            self,
            self.controller,
            values,
            None,
            lambda: self.controller.change(
                lambda ws: ws.people.add_person(**values), {PEOPLE}, self._added
            ),
            lambda: self._add_person(values),
        )

    def _added(self, person: PersonInfo) -> None:
        self._current = person.id


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
        self.banner = Banner()
        self.journey = JourneyView()

        self.memberships = RecordTableModel[MembershipLine](
            [
                Column("Cohort", lambda m: f"{m.course_title}: {m.cohort_name}"),
                Column("Role", lambda m: m.role.label),
                Column("Status", lambda m: f"{m.status.label} since {m.status_since:%d %b %Y}"),
                Column("Attended", lambda m: f"{m.sessions_attended} of {m.sessions_marked}"),
            ]
        )
        self.attendance = RecordTableModel[AttendanceLine](
            [
                Column("Date", lambda a: f"{a.held_on:%d %b %Y}"),
                Column("Cohort", lambda a: a.cohort_name),
                Column("Week", lambda a: str(a.week), align_right=True),
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
        # A row that wraps: four buttons beside a long name would not fit a small laptop.
        layout.addLayout(
            flow((self.edit_button, self.transfer_button, self.release_button, self.merge_button))
        )
        layout.addWidget(self.details)
        layout.addWidget(self.banner)
        layout.addWidget(_section("Journey"))
        layout.addWidget(self.journey)
        layout.addWidget(_section("Cohorts"))
        layout.addWidget(_table(self.memberships, "Cohorts", rows=6))
        layout.addWidget(_section("Attendance"))
        layout.addWidget(_table(self.attendance, "Attendance history", rows=8))
        layout.addWidget(self.consent_box)
        layout.addWidget(self.prison_box)
        layout.addStretch(1)
        self.may_see_prison = False
        self._page: PersonPage | None = None
        self._show_nothing()

    def _show_nothing(self) -> None:
        self.journey.set_journey(None)
        self.name.setText("Choose a person")
        self.details.setText("Pick someone from the list to see their cohorts and attendance.")
        for widget in (
            self.edit_button,
            self.transfer_button,
            self.release_button,
            self.merge_button,
            self.consent_box,
            self.prison_box,
        ):
            widget.setEnabled(False)

    def load(self, person_id: uuid.UUID) -> None:
        may_consent = self._screen.may(Permission.RECORD_CONSENT) or self._screen.may(
            Permission.ENTER_RESEARCH_DATA
        )

        def fetch(ws: Workspace) -> tuple[PersonPage, list[ConsentState] | None, Journey]:
            page = ws.people.person_page(person_id)
            consent = ws.consent.states(person_id) if may_consent else None
            return page, consent, ws.mentoring.journey(person_id)

        self.controller.load(fetch, self._show, self._failed)

    def _failed(self, message: str) -> None:
        self._show_nothing()
        self.banner.show_message(message, Tone.ERROR)

    def _show(self, result: tuple[PersonPage, list[ConsentState] | None, Journey]) -> None:
        page, consent, journey = result
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
        ):
            action.setEnabled(True)
        self.journey.set_journey(journey)
        self.memberships.set_rows(page.memberships)
        self.attendance.set_rows(page.attendance)
        self.consent_box.setVisible(consent is not None)
        self.consent_box.setEnabled(True)
        if consent is not None:
            self.consent.set_rows(consent)
        may_record = self._screen.may(Permission.RECORD_CONSENT)
        for child in self.consent_box.findChildren(type(self.edit_button)):
            child.setVisible(may_record)
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
            self.controller.change(
                lambda ws: ws.people.update_person(person.id, **values), {PEOPLE}
            )

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
            self.controller.change(
                lambda ws: ws.people.set_prison_details(person_id, **values), {PEOPLE}
            )

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
                self.controller.change(
                    lambda ws: ws.people.transfer(person.id, **values), {PEOPLE, MEMBERS}
                )

        self.controller.load(paired_prisons, ask)

    def _release(self) -> None:
        if self._page is None:
            return
        person = self._page.person
        dialog = ReleaseDialog(self, person.display_name)
        if dialog.exec():
            values = dialog.values()
            self.controller.change(
                lambda ws: ws.people.release(person.id, **values), {PEOPLE, MEMBERS}
            )

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
                    {PEOPLE, MEMBERS, REGISTER, CONSENT},
                    self._merged,
                )

        self.controller.load(lambda ws: ws.people.list_people(), ask)

    def _merged(self, survivor: uuid.UUID) -> None:
        self._screen.show_person(survivor)

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
                {CONSENT},
            )

    def _withdraw_consent(self) -> None:
        if self._page is None:
            return
        person_id = self._page.person.id
        dialog = ConsentDialog(self, withdrawing=True)
        if dialog.exec():
            scope, on, _ = dialog.values()
            self.controller.change(
                lambda ws: ws.consent.withdraw(person_id, scope, on=on), {CONSENT}
            )


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


class PersonDialog(FormDialog):
    def __init__(
        self, parent: QWidget, person: PersonInfo | None, *, may_set_prison_details: bool
    ) -> None:
        super().__init__("Add a person" if person is None else "Edit person", parent=parent)
        self._adding = person is None
        self.given = self.add_row("&Given name", QLineEdit(person.given_name if person else ""))
        self.family = self.add_row("&Family name", QLineEdit(person.family_name if person else ""))
        self.preferred = self.add_row(
            "&Known as", QLineEdit(person.preferred_name if person else "")
        )
        self.base = EnumCombo(PersonBase, person.base if person else None)
        self.add_row("&Based at", self.base)
        self.form.addRow(
            "",
            muted("Used only to keep cohorts balanced; it is never shown beside people's names."),
        )
        # Asked for when someone is added, so a second record for the same person is caught
        # by the number as well as the name; later it is changed on the person page.
        self.prison_number: QLineEdit | None = None
        if person is None and may_set_prison_details:
            self.prison_number = self.add_row("Prison n&umber", QLineEdit())
            self.prison_number.setPlaceholderText("Prison-based people only; kept on this site")
            self.base.currentIndexChanged.connect(self._prison_number_applies)
            self._prison_number_applies()
        self.email = self.add_row("&Email", QLineEdit(person.email if person else ""))
        self.email.setPlaceholderText("Prison-based: only with consent to keep in touch")
        self.notes = QPlainTextEdit(person.notes if person else "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.add_row("&Notes", self.notes)

    def _prison_number_applies(self) -> None:
        if self.prison_number is not None:
            self.prison_number.setEnabled(self.base.value() is PersonBase.PRISON)

    def validate(self) -> None:
        if not self.given.text().strip() or not self.family.text().strip():
            raise ValidationError("Fill in both the given name and the family name.")
        if self._adding and self.base.value() is PersonBase.PRISON and self.email.text().strip():
            # Someone new has no consent yet: said here, where the typing can be put right.
            self.email.setFocus()
            raise ValidationError(CONTACT_NEEDS_CONSENT)

    def values(self) -> dict[str, Any]:
        values = {
            "given_name": self.given.text(),
            "family_name": self.family.text(),
            "preferred_name": self.preferred.text(),
            "base": self.base.value(),
            "email": self.email.text(),
            "notes": self.notes.toPlainText(),
        }
        if self.prison_number is not None and self.prison_number.isEnabled():
            values["prison_number"] = self.prison_number.text()
        return values

    def fill(self, values: dict[str, Any]) -> None:
        """Show what was typed before, when the person comes back to it from a warning."""
        self.given.setText(values["given_name"])
        self.family.setText(values["family_name"])
        self.preferred.setText(values["preferred_name"])
        self.base.set_value(values["base"])
        self.email.setText(values["email"])
        self.notes.setPlainText(values["notes"])
        if self.prison_number is not None:
            self.prison_number.setText(values.get("prison_number", ""))


def check_for_likely_duplicates(
    parent: QWidget,
    controller: AppController,
    values: dict[str, Any],
    ignoring: uuid.UUID | None,
    go_on: Callable[[], None],
    go_back: Callable[[], None],
) -> None:
    """Before a person is added (or renamed), say who already here may be the same person.

    A second person of the same name is often real, so the warning only asks: the person
    goes back to the form, or goes on regardless.
    """
    given, family = values["given_name"], values["family_name"]
    known_as, number = values.get("preferred_name", ""), values.get("prison_number", "")

    def checked(matches: list[LikelyDuplicate]) -> None:
        name = " ".join(f"{given} {family}".split())
        if not matches or ask_despite_likely_duplicates(
            parent, name, matches, adding=ignoring is None
        ):
            go_on()
        else:
            go_back()

    def failed(message: str) -> None:
        show_error(parent, message)
        go_back()

    controller.load(
        lambda ws: ws.people.likely_duplicates(
            given, family, preferred_name=known_as, prison_number=number, ignoring=ignoring
        ),
        checked,
        failed,
    )


def ask_despite_likely_duplicates(
    parent: QWidget, name: str, matches: list[LikelyDuplicate], *, adding: bool
) -> bool:
    """True when the person chooses to go on although someone here may be the same person."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Already here?", "", parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    someone = "Someone" if len(matches) == 1 else f"{len(matches)} people"
    box.setText(f"{someone} already here may be {name}:")
    box.setInformativeText(
        "\n".join(f"• {m.describe()}" for m in matches)
        + "\n\nGo back to check, or "
        + ("add" if adding else "save")
        + f" {name} anyway if this is someone else: lists tell people of the same name "
        "apart by their cohort and reference."
    )
    back = box.addButton("&Go back", QMessageBox.ButtonRole.RejectRole)
    anyway = box.addButton(
        "&Add anyway" if adding else "&Save anyway", QMessageBox.ButtonRole.AcceptRole
    )
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is anyway


class PrisonDetailsDialog(FormDialog):
    def __init__(self, parent: QWidget, details: PrisonDetailsInfo | None) -> None:
        super().__init__("Prison-only details", parent=parent)
        self.number = self.add_row(
            "Prison &number", QLineEdit(details.prison_number if details else "")
        )
        self.location = self.add_row("&Location", QLineEdit(details.location if details else ""))
        self.release = self.add_row(
            "&Release date",
            DateField(
                details.release_date if details else None,
                optional=True,
                empty_text="Not known: leave empty",
            ),
        )
        self.clearance = EnumCombo(ClearanceStatus, details.clearance if details else None)
        self.add_row("&Clearance to attend", self.clearance)
        self.notes = QPlainTextEdit(details.security_notes if details else "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.add_row("&Security notes", self.notes)

    def values(self) -> dict[str, Any]:
        status = self.clearance.value()
        return {
            "prison_number": self.number.text(),
            "location": self.location.text(),
            "release_date": self.release.maybe_value(),
            "security_notes": self.notes.toPlainText(),
            "clearance": status,
            "clearance_on": date.today() if status is not ClearanceStatus.NOT_SUBMITTED else None,
        }


class ConsentDialog(FormDialog):
    def __init__(self, parent: QWidget, *, withdrawing: bool) -> None:
        super().__init__(
            "Withdraw consent" if withdrawing else "Record consent",
            "Withdraw" if withdrawing else "Record",
            parent,
        )
        self.scope = EnumCombo(ConsentScope)
        self.add_row("&Kind of data", self.scope)
        self.on = self.add_row("&Date", date_field(date.today()))
        self.reference = QLineEdit()
        if not withdrawing:
            self.add_row("Paper form &reference", self.reference)
        else:
            self.form.addRow(
                "",
                muted(
                    "From now on, this person's data of this kind is left out of everything "
                    "exported."
                ),
            )

    def values(self) -> tuple[ConsentScope, date, str]:
        return self.scope.value(), date_of(self.on), self.reference.text()
