"""Every name a store knows, for taking names out of free text before it leaves the app
(a research export, a person's own copy of their data)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.name_scrubbing import names_of
from lt_desktop.storage.models import (
    ApplicationScore,
    AttendanceMark,
    Consent,
    EssayMark,
    GraduationGuest,
    Interview,
    MembershipStatusChange,
    Person,
    PersonMerge,
    Progression,
    QuestionnaireResponse,
    Story,
    Transfer,
    User,
)

#: Where a name is kept as one line of text, belonging to no research id: accounts,
#: guests, and whoever marked, assessed, interviewed, recorded, transcribed or entered.
NAMES_IN_A_LINE = (
    User.display_name,
    GraduationGuest.name,
    EssayMark.marker_name,
    ApplicationScore.assessor_name,
    Interview.interviewer_name,
    Consent.recorded_by_name,
    Consent.withdrawal_recorded_by_name,
    Story.transcribed_by_name,
    QuestionnaireResponse.entered_by_name,
    AttendanceMark.recorded_by_name,
    MembershipStatusChange.recorded_by_name,
    Progression.recorded_by_name,
    Transfer.recorded_by_name,
    PersonMerge.recorded_by_name,
)


def people_names(session: Session) -> dict[str, list[str]]:
    """Each person's names, in every form they may take in a text, by research id."""
    return {
        research_id: names_of(given, family, preferred)
        for research_id, given, family, preferred in session.execute(
            select(Person.research_id, Person.given_name, Person.family_name, Person.preferred_name)
        )
    }


def names_in_a_line(session: Session) -> set[str]:
    """Every name kept as a line of text (``NAMES_IN_A_LINE``)."""
    names: set[str] = set()
    for column in NAMES_IN_A_LINE:
        names.update(name for name in session.scalars(select(column).distinct()) if name)
    return names
