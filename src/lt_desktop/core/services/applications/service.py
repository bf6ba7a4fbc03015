"""The applications service, one class made of the parts of the process."""

from __future__ import annotations

from lt_desktop.core.services.applications.assessment import AssessmentPart
from lt_desktop.core.services.applications.decisions import DecisionsPart
from lt_desktop.core.services.applications.letters import LettersPart
from lt_desktop.core.services.applications.records import RecordsPart
from lt_desktop.core.services.applications.rubric import RubricPart


class ApplicationService(RubricPart, RecordsPart, AssessmentPart, DecisionsPart, LettersPart):
    """Applications to a cohort, from the form to the answer to an offer. Each part of
    the process is a class of its own; this one puts them together."""
