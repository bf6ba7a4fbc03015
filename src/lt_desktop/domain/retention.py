"""How long each kind of data is kept: the kinds, their defaults and why.

Each organisation keeps its own schedule (a prison and a university may be bound by
different policies), so the periods never travel between sites. An administrator can
change a period, or turn a kind off so that it is never due; nothing is erased until a
person has seen what is due and confirmed it.

The defaults, and the reason for each:

* **Research data** (stories and their answers, questionnaire responses, interviews
  and their files): **5 years after the cohort ends**. Five years from the end of a
  study is a common university default for research data about people, long enough
  for the evaluation to be analysed, written up and checked.
* **Interview transcripts and notes**: **until the study ends**. Transcripts name
  people and places, so they are kept no longer than the study needs them. The study's
  end date is set here; until one is set, no interview is due.
* **Applications not offered a place** (declined, offer turned down, withdrawn, or
  still on the waiting list when the cohort ended): **6 months after the decision**,
  long enough to answer a question or complaint about it, no longer.
* **Course records** (everything about a person) **6 years after their last cohort
  ended**: six years is how long a claim about a course can be brought in England and
  Wales (Limitation Act 1980), and the period many universities keep student records.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from lt_desktop.domain.vocabulary import LabelledEnum


class RetentionKind(LabelledEnum):
    """A kind of data with a retention period of its own, in the order screens list them."""

    RESEARCH_DATA = "research_data"
    INTERVIEWS = "interviews"
    APPLICATIONS = "applications"
    COURSE_RECORDS = "course_records"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def what(self) -> str:
        """What the kind holds, in a sentence a person reads beside its period."""
        return _WHAT[self]

    @property
    def reason(self) -> str:
        """Why its default period is what it is."""
        return _REASON[self]

    @property
    def counted_from(self) -> str:
        """What the period is counted from: "after the cohort ends"."""
        return _COUNTED_FROM[self]

    @property
    def until_a_date(self) -> bool:
        """Kept until a date that is set (the study's end), not for a period."""
        return self is RetentionKind.INTERVIEWS

    @property
    def option(self) -> str:
        """The kind as the command line names it: "research-data"."""
        return self.value.replace("_", "-")


class PeriodUnit(LabelledEnum):
    MONTHS = "months"
    YEARS = "years"


_KIND_LABELS = {
    RetentionKind.RESEARCH_DATA: "Research data",
    RetentionKind.INTERVIEWS: "Interview transcripts and notes",
    RetentionKind.APPLICATIONS: "Applications not offered a place",
    RetentionKind.COURSE_RECORDS: "Course records",
}

_WHAT = {
    RetentionKind.RESEARCH_DATA: (
        "Stories and their answers, questionnaire responses and interviews of a cohort."
    ),
    RetentionKind.INTERVIEWS: "Every interview and its files (notes and transcripts).",
    RetentionKind.APPLICATIONS: (
        "Applications declined, turned down or withdrawn, or left on the waiting list when "
        "the cohort ended, with their scores and scans. An applicant with nothing else here "
        "is erased altogether."
    ),
    RetentionKind.COURSE_RECORDS: (
        "Everything about a person whose last cohort ended that long ago, when they have "
        "no place or application in a later cohort and no account here."
    ),
}

_REASON = {
    RetentionKind.RESEARCH_DATA: (
        "Five years after a study is a common university default for research data about people."
    ),
    RetentionKind.INTERVIEWS: (
        "Transcripts name people and places, so they are kept only while the study needs them."
    ),
    RetentionKind.APPLICATIONS: (
        "Six months leaves time to answer a question or complaint about the decision."
    ),
    RetentionKind.COURSE_RECORDS: (
        "Six years is how long a claim about a course can be brought (Limitation Act 1980), "
        "and how long many universities keep student records."
    ),
}

_COUNTED_FROM = {
    RetentionKind.RESEARCH_DATA: "after the cohort ends",
    RetentionKind.INTERVIEWS: "",
    RetentionKind.APPLICATIONS: "after the decision",
    RetentionKind.COURSE_RECORDS: "after their last cohort ends",
}

#: The longest period that may be set, in each unit.
LONGEST = {PeriodUnit.MONTHS: 600, PeriodUnit.YEARS: 50}


@dataclass(frozen=True)
class RetentionPeriod:
    """How long one kind is kept: a period, or (interviews) until the study's end date."""

    kind: RetentionKind
    off: bool = False
    amount: int = 0
    unit: PeriodUnit = PeriodUnit.YEARS
    #: For a kind kept until a date: the study's end (None: not set, nothing is due).
    until: date | None = None

    def describe(self) -> str:
        """The setting in words: "5 years after the cohort ends"."""
        if self.off:
            return "Off: never due"
        if self.kind.until_a_date:
            if self.until is None:
                return "Until the study ends (no end date set yet)"
            return f"Until the study ends on {self.until.day} {self.until:%b %Y}"
        unit = self.unit.value[:-1] if self.amount == 1 else self.unit.value
        return f"{self.amount} {unit} {self.kind.counted_from}"

    def due_from(self, start: date) -> date:
        """The day something counted from ``start`` becomes due."""
        return add_period(start, self.amount, self.unit)

    def is_due(self, start: date, today: date) -> bool:
        """Whether something counted from ``start`` is due by ``today`` (it is, on the
        day its period runs out)."""
        return not self.off and self.due_from(start) <= today


DEFAULTS: dict[RetentionKind, RetentionPeriod] = {
    RetentionKind.RESEARCH_DATA: RetentionPeriod(RetentionKind.RESEARCH_DATA, amount=5),
    RetentionKind.INTERVIEWS: RetentionPeriod(RetentionKind.INTERVIEWS),
    RetentionKind.APPLICATIONS: RetentionPeriod(
        RetentionKind.APPLICATIONS, amount=6, unit=PeriodUnit.MONTHS
    ),
    RetentionKind.COURSE_RECORDS: RetentionPeriod(RetentionKind.COURSE_RECORDS, amount=6),
}


def add_period(start: date, amount: int, unit: PeriodUnit) -> date:
    """``start`` moved by ``amount`` months or years (backwards when negative). A day
    the month does not have becomes its last: 31 Aug plus 6 months is 28 or 29 Feb."""
    months = amount * (12 if unit is PeriodUnit.YEARS else 1)
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))
