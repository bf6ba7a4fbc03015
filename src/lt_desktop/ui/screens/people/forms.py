"""The forms for a person: their details, the prison's details, consent, and the check
for a record of the same person already kept."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from lt_desktop.core.services.people import (
    CONTACT_NEEDS_CONSENT,
    LikelyDuplicate,
    PersonInfo,
    PrisonDetailsInfo,
)
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import ClearanceStatus, ConsentScope, PersonBase
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import QLineEdit, QMessageBox, QPlainTextEdit, Qt, QWidget
from lt_desktop.ui.widgets import (
    DateField,
    EnumCombo,
    FormDialog,
    date_field,
    date_of,
    muted,
    show_error,
)


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
