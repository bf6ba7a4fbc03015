"""The forms of deciding: entering and correcting applications, declining, letters."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.applications import (
    DECLINE_REASONS,
    ApplicationDetail,
    ApplicationRow,
    NewApplicant,
)
from lt_desktop.core.services.people import PersonListing, people_named
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.vocabulary import ApplicationDecision, PersonBase, SiteKind
from lt_desktop.ui.qt import (
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QKeySequence,
    QLineEdit,
    QPlainTextEdit,
    QShortcut,
    Qt,
    QWidget,
)
from lt_desktop.ui.widgets import (
    EnumCombo,
    FormDialog,
    PaperCombo,
    SavePathField,
    Tone,
    date_field,
    date_of,
    index_of,
    muted,
)

if TYPE_CHECKING:
    from lt_desktop.ui.screens.applications.screen import ApplicationsScreen


class DeclineDialog(FormDialog):
    def __init__(self, parent: QWidget, row: ApplicationRow) -> None:
        super().__init__(f"Decline {row.name}'s application", "Decline", parent)
        self.form.addRow(
            muted(
                "The reason goes in the letter the applicant reads. Keep it kind, plain and "
                "true; choose one of these or write your own."
            )
        )
        self.suggestion = QComboBox()
        self.suggestion.addItem("Write my own", "")
        for reason in DECLINE_REASONS:
            self.suggestion.addItem(reason, reason)
        self.add_row("&Suggested reason", self.suggestion)
        self.reason = QPlainTextEdit(DECLINE_REASONS[0])
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        self.add_row("&Reason", self.reason)
        self.suggestion.setCurrentIndex(1)
        self.suggestion.currentIndexChanged.connect(
            lambda _i: self.reason.setPlainText(self.suggestion.currentData() or "")
        )

    def validate(self) -> None:
        if not self.reason.toPlainText().strip():
            raise ValidationError("Give a reason; it goes in the letter.")


class EnterApplicationsDialog(FormDialog):
    """Paper application forms, one after another, by keyboard: type the name and what
    the form says, then Ctrl+Enter saves and starts the next."""

    def __init__(
        self,
        parent: QWidget,
        screen: ApplicationsScreen,
        cohort_id: uuid.UUID,
        people: list[PersonListing],
        site_kind: SiteKind,
    ) -> None:
        super().__init__("Enter paper applications", "Save and ne&xt", parent)
        self._screen = screen
        self._cohort_id = cohort_id
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Done")
        self.form.addRow(
            muted(
                "Type what the form says. The name finds someone already known here; a new "
                "name adds them to People. Ctrl+Enter saves and starts the next form."
            )
        )
        self.applicant = QComboBox()
        self.applicant.setEditable(True)
        self.applicant.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._people = sorted(people, key=lambda p: p.sort_name.casefold())
        for person in self._people:
            self.applicant.addItem(person.label, person.id)
        # A list of matches to choose from, never a completion typed in for the person: two
        # people of the same name must not be told apart by whichever came first.
        completer = self.applicant.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.applicant.setCurrentIndex(-1)
        self.applicant.setEditText("")
        self.add_row("&Name", self.applicant)
        self.known = muted()
        self.form.addRow("", self.known)
        default_base = (
            PersonBase.UNIVERSITY if site_kind is SiteKind.UNIVERSITY else PersonBase.PRISON
        )
        self.base = EnumCombo(list(PersonBase), default_base)
        self.add_row("&Based (new people only)", self.base)
        self.received = self.add_row("&Received on", date_field(date.today()))
        self.statement = QPlainTextEdit()
        self.statement.setTabChangesFocus(True)
        self.statement.setMinimumHeight(140)
        self.statement.setPlaceholderText(
            "Why they would like to take part, as written. Leave empty if you attach a scan."
        )
        self.add_row("&Why they want to take part", self.statement)
        self.heard_about = self.add_row("&Heard about the course from", QLineEdit())
        self.availability = self.add_row("&Free to attend", QLineEdit())
        self.adjustments = self.add_row("&Adjustments needed", QLineEdit())
        self.saved = muted()
        self.form.addRow(self.saved)
        self.applicant.editTextChanged.connect(self._name_typed)
        for field in (self.heard_about, self.availability, self.adjustments):
            field.returnPressed.connect(self._on_ok)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._on_ok)
        self.count = 0
        self._name_typed("")
        self.setMinimumWidth(560)

    def _named(self) -> list[PersonListing]:
        return people_named(self._people, self.applicant.currentText())

    def _person_id(self) -> uuid.UUID | None:
        named = self._named()
        return named[0].id if len(named) == 1 else None

    def _namesakes(self, named: list[PersonListing]) -> str:
        return (
            f"{len(named)} people here are called {named[0].display_name}: choose the right "
            "one from the list, where their cohorts and references tell them apart."
        )

    def _name_typed(self, text: str) -> None:
        named = self._named()
        self.base.setEnabled(not named and bool(text.strip()))
        if len(named) > 1:
            self.known.setText(self._namesakes(named))
        elif named:
            self.known.setText("Already known here: the application is added to their record.")
        else:
            self.known.setText("Someone new: they will be added to People." if text.strip() else "")

    def _values(self) -> dict[str, Any]:
        name = self.applicant.currentText().strip()
        person_id = self._person_id()
        values: dict[str, Any] = {
            "received_on": date_of(self.received),
            "motivation_statement": self.statement.toPlainText(),
            "heard_about": self.heard_about.text(),
            "availability": self.availability.text(),
            "adjustments": self.adjustments.text(),
        }
        if person_id is not None:
            values["person_id"] = person_id
            return values
        named = self._named()
        if named:
            raise ValidationError(self._namesakes(named))
        given, _, family = name.rpartition(" ")
        if not name or not given.strip() or not family.strip():
            raise ValidationError("Type the applicant's given name and family name.")
        values["new_person"] = NewApplicant(given.strip(), family.strip(), self.base.value())
        return values

    def _on_ok(self) -> None:
        try:
            values = self._values()
        except LtError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        cohort_id = self._cohort_id
        self.ok_button.setEnabled(False)

        def saved(row: ApplicationRow) -> None:
            self.count += 1
            self.saved.setText(f"Saved {self.count}: {row.name}, {row.reference}.")
            self.banner.clear()
            index = index_of(self.applicant, row.person_id)
            if index >= 0:
                self.applicant.removeItem(index)
            self._people = [p for p in self._people if p.id != row.person_id]
            self.applicant.setCurrentIndex(-1)
            self.applicant.setEditText("")
            for field in (self.heard_about, self.availability, self.adjustments):
                field.clear()
            self.statement.clear()
            self.ok_button.setEnabled(True)
            self.applicant.setFocus()
            if self._screen.decisions is not None:
                self._screen.decisions.added(row)

        def failed(message: str) -> None:
            self.ok_button.setEnabled(True)
            self.banner.show_message(message, Tone.ERROR)

        self._screen.change(
            lambda ws: ws.applications.record_application(cohort_id, **values),
            saved,
            failed,
        )


class EditApplicationDialog(FormDialog):
    def __init__(self, parent: QWidget, detail: ApplicationDetail) -> None:
        super().__init__(f"{detail.row.name}'s application", parent=parent)
        self.received = self.add_row("&Received on", date_field(detail.row.received_on))
        self.statement = QPlainTextEdit(detail.motivation_statement)
        self.statement.setTabChangesFocus(True)
        self.statement.setMinimumHeight(140)
        self.statement.setReadOnly(bool(detail.assessments))
        self.add_row("&Why they want to take part", self.statement)
        if detail.assessments:
            self.form.addRow(muted("The statement has been assessed, so it stays as it was."))
        self.heard_about = self.add_row(
            "&Heard about the course from", QLineEdit(detail.heard_about)
        )
        self.availability = self.add_row("&Free to attend", QLineEdit(detail.availability))
        self.adjustments = self.add_row("&Adjustments needed", QLineEdit(detail.adjustments))

    def values(self) -> dict[str, Any]:
        return {
            "received_on": date_of(self.received),
            "motivation_statement": self.statement.toPlainText(),
            "heard_about": self.heard_about.text(),
            "availability": self.availability.text(),
            "adjustments": self.adjustments.text(),
        }


class LettersDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget,
        cohort_title: str,
        counts: dict[ApplicationDecision, int],
        selected: ApplicationRow | None,
    ) -> None:
        super().__init__("Print letters", "Save PDF", parent)
        self.form.addRow(
            muted(
                "One letter a page, in the same warm words for everyone. Letters never say "
                "where anyone is based."
            )
        )
        self.which = QComboBox()
        names = {
            ApplicationDecision.OFFERED: "Offers of a place",
            ApplicationDecision.WAITING_LIST: "Waiting-list letters",
            ApplicationDecision.DECLINED: "Declines",
        }
        # Kept beside the combo: Qt would hand a decision back as a plain string.
        self._choices: list[ApplicationRow | ApplicationDecision] = []
        if selected is not None and selected.decision in names:
            self.which.addItem(f"{selected.name} only")
            self._choices.append(selected)
        for decision, words in names.items():
            self.which.addItem(f"{words} ({counts.get(decision, 0)})")
            self._choices.append(decision)
        self.add_row("&Letters", self.which)
        self.paper = self.add_row("&Paper", PaperCombo())
        self.target = SavePathField(
            f"Letters {cohort_title}.pdf", "Save the letters", "PDF documents (*.pdf)"
        )
        self.add_row("&Save as", self.target)

    def validate(self) -> None:
        self.target.path()

    def values(self) -> tuple[ApplicationRow | ApplicationDecision, Path, Any]:
        return self._choices[self.which.currentIndex()], self.target.path(), self.paper.value()
