from __future__ import annotations

from datetime import date

import pytest

from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.vocabulary import ConsentScope, PersonBase


def test_consent_is_per_person_and_per_scope_and_can_be_withdrawn(workspace: Workspace) -> None:
    person = workspace.people.add_person(given_name="A", family_name="B", base=PersonBase.PRISON)
    workspace.consent.record(
        person.id, ConsentScope.STORIES, given_on=date(2026, 1, 5), form_reference="CF-12"
    )
    states = {s.scope: s for s in workspace.consent.states(person.id)}
    assert states[ConsentScope.STORIES].active
    assert states[ConsentScope.STORIES].form_reference == "CF-12"
    assert not states[ConsentScope.QUESTIONNAIRES].active
    with pytest.raises(ConflictError):
        workspace.consent.record(person.id, ConsentScope.STORIES, given_on=date(2026, 1, 6))
    with pytest.raises(ValidationError, match="before it was given"):
        workspace.consent.withdraw(person.id, ConsentScope.STORIES, on=date(2025, 1, 1))
    withdrawn = workspace.consent.withdraw(person.id, ConsentScope.STORIES, on=date(2026, 2, 1))
    assert not withdrawn.active and withdrawn.describe() == "Withdrawn 01 Feb 2026"
    with pytest.raises(ValidationError, match="no consent"):
        workspace.consent.withdraw(person.id, ConsentScope.STORIES, on=date(2026, 2, 2))
    # Consent may be given again later, as a new record.
    again = workspace.consent.record(person.id, ConsentScope.STORIES, given_on=date(2026, 3, 1))
    assert again.active
    actions = [line.action for line in workspace.audit.entries(action="consent")]
    assert actions == ["consent.given", "consent.withdrawn", "consent.given"]
