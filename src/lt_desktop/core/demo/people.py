"""The demo's people: names, prison details, consents and the demo accounts."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from lt_desktop.core import demo_text as text
from lt_desktop.core.demo.base import (
    DEMO_PASSWORD,
    DEMO_USERS,
    RECORDER,
    DemoBuilderBase,
)
from lt_desktop.core.services.consent import has_consent
from lt_desktop.core.services.people import new_research_id
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import (
    ClearanceStatus,
    ConsentScope,
    PersonBase,
)
from lt_desktop.storage import models as m

#: The kinds of consent the demo's first form asked for. Consent to being followed
#: after the course is asked for at the graduation (``after_course``).
_ON_THE_FIRST_FORM = tuple(s for s in ConsentScope if s is not ConsentScope.PROGRESSION)


class PeopleAndConsent(DemoBuilderBase):
    """Makes people and their consents, and the demo's sign-in accounts."""

    # -- people ---------------------------------------------------------------------

    def _person(self, base: PersonBase) -> m.Person:
        while True:
            given = self.rng.choice(text.GIVEN_NAMES)
            family = self.rng.choice(text.FAMILY_NAMES)
            if (given, family) not in self._names:
                self._names.add((given, family))
                break
        person = m.Person(
            id=uuid.uuid4(),
            given_name=given,
            family_name=family,
            base=base,
            email=(
                f"{given.lower()}.{family.lower().replace(chr(39), '')}@eastbridge.ac.uk"
                if base is PersonBase.UNIVERSITY
                else ""
            ),
            research_id=new_research_id(),
        )
        self.session.add(person)
        self.session.flush()  # rows that refer to the person by id follow
        if base is PersonBase.PRISON and self.prison_site:
            self.session.add(self._prison_details(person))
        return person

    def _prison_details(self, person: m.Person) -> m.PrisonDetails:
        while True:
            number = (
                f"{self.rng.choice('ABG')}{self.rng.randint(1000, 9999)}"
                f"{self.rng.choice('ABCDEFGHJK')}{self.rng.choice('ABCDEFGHJK')}"
            )
            if number not in self._prison_numbers:
                self._prison_numbers.add(number)
                break
        cleared = self.rng.random() < 0.9
        return m.PrisonDetails(
            person_id=person.id,
            prison_number=number,
            location=self.rng.choice(text.PRISON_LOCATIONS),
            release_date=(
                self.on(date(2026, 1, 1)) + timedelta(days=self.rng.randint(200, 2500))
                if self.rng.random() < 0.6
                else None
            ),
            security_notes=self.rng.choice(text.SECURITY_NOTES),
            clearance=ClearanceStatus.CLEARED if cleared else ClearanceStatus.SUBMITTED,
            clearance_on=self.on(date(2025, 12, 1)) if cleared else None,
        )

    # -- research --------------------------------------------------------------------

    def _consents(self, people: list[m.Person]) -> None:
        for index, person in enumerate(people):
            given = self.on(date(2026, 1, 5) if index < 60 else date(2026, 9, 7))
            for scope in _ON_THE_FIRST_FORM:
                if scope is ConsentScope.INTERVIEW and self.rng.random() < 0.5:
                    continue
                if self.rng.random() < 0.12:
                    continue
                consent = m.Consent(
                    person_id=person.id,
                    scope=scope,
                    given_on=given,
                    form_reference=f"CF-{index + 1:03d}",
                    recorded_by_name=RECORDER,
                )
                if scope is ConsentScope.STORIES and index % 17 == 5:
                    consent.withdrawn_on = given + timedelta(days=40)
                    consent.withdrawal_recorded_by_name = RECORDER
                self.session.add(consent)
        self.session.flush()

    def _has_consent(self, person: m.Person, scope: ConsentScope, on: date) -> bool:
        return has_consent(self.session, person.id, scope, on)

    def _accounts(self, facilitator: m.Person) -> None:
        for username, role in DEMO_USERS:
            user = m.User(
                username=username,
                display_name=f"Demo {role.label.lower()}",
                role=role,
                person_id=facilitator.id if role is Role.FACILITATOR else None,
            )
            self.session.add(user)
            self.session.flush()
            self.store.set_password(user.id, username, DEMO_PASSWORD)
            if role is Role.MARKER:
                self.marker_id, self.marker_name = user.id, user.display_name
