"""Records told in the words of the people who keep them, for the conflict list.

A record that two sites changed at once is shown by what it is about (a register
mark: whose, in which cohort, which week), never by its table and id; each value by
its meaning (a mark by its label, a date as a date, a linked record by its name).

A person is named only to a viewer whose role may see people's records; otherwise
they are "a person". An essay's writer is named only to someone who manages essays,
once the essay's marks are agreed and identities revealed: until then an essay is its
candidate number, as markers know it. Research data (stories, questionnaires,
interviews) is shown only to those who enter it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from lt_desktop.core.dates import format_date
from lt_desktop.domain.vocabulary import LabelledEnum, week_name
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    ClassSession,
    Cohort,
    Course,
    Essay,
    GraduationEvent,
    GroupProject,
    Membership,
    Partnership,
    Person,
    QuestionnaireItem,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    SmallGroup,
    Story,
    StoryQuestion,
)

#: The key that says whether a version removed the record (see ``sync.conflicts``).
REMOVED = "deleted_at"

EMPTY = "(empty)"

KINDS = {
    "partnerships": "Partnership",
    "courses": "Course",
    "cohorts": "Cohort",
    "people": "Person",
    "memberships": "Place in a cohort",
    "membership_status_changes": "Change of status",
    "small_groups": "Small group",
    "group_members": "Place in a small group",
    "class_sessions": "Session",
    "readings": "Reading",
    "attendance": "Register mark",
    "essays": "Essay",
    "essay_marks": "Essay mark",
    "attachments": "Attached file",
    "certificates": "Certificate",
    "consents": "Consent",
    "stories": "Story",
    "story_answers": "Answer in a story",
    "story_questions": "Story question",
    "questionnaire_templates": "Questionnaire",
    "questionnaire_items": "Questionnaire question",
    "questionnaire_responses": "Questionnaire",
    "questionnaire_answers": "Questionnaire answer",
    "interviews": "Interview",
    "facilitator_training": "Facilitator training",
    "group_projects": "Group project",
    "project_groups": "Small group in a project",
    "graduation_events": "Graduation",
    "graduation_cohorts": "Cohort at a graduation",
    "programme_items": "Graduation programme item",
    "progressions": "After the course",
    "stationery": "Certificates and letters",
    "erasures": "Erasure",
}

#: Where a record keeps the account that last recorded it (the others do not).
MADE_BY = {
    "attendance": "recorded_by_name",
    "stories": "transcribed_by_name",
    "questionnaire_responses": "entered_by_name",
    "membership_status_changes": "recorded_by_name",
    "progressions": "recorded_by_name",
}

#: Fields never shown as a difference: accounts' ids (they mean nothing at another
#: site), research pseudonyms, checksums, and who recorded a mark and when (shown
#: beside each version instead).
HIDDEN = frozenset(
    {
        ("*", "recorded_by_id"),
        ("*", "marker_id"),
        ("*", "assessor_id"),
        ("*", "research_id"),
        ("*", "sha256"),
        ("readings", "pdf_sha256"),
        ("attendance", "recorded_by_name"),
        ("attendance", "recorded_at"),
        ("stories", "transcribed_by_name"),
        ("questionnaire_responses", "entered_by_name"),
        ("membership_status_changes", "recorded_by_name"),
        ("progressions", "recorded_by_name"),
    }
)

RESEARCH_TABLES = frozenset(
    {"stories", "story_answers", "questionnaire_responses", "questionnaire_answers", "interviews"}
)

_LABELS = {
    ("attendance", "status"): "Mark",
    ("attendance", "absence_reason"): "Reason",
    ("class_sessions", "held_on"): "Date",
    ("class_sessions", "kind"): "Kind of session",
    ("class_sessions", "starts_at"): "Starts",
    ("class_sessions", "ends_at"): "Ends",
    ("class_sessions", "reading_1"): "First reading",
    ("class_sessions", "reading_2"): "Second reading",
    ("facilitator_training", "held_on"): "Date",
    ("facilitator_training", "title"): "Training session",
    ("facilitator_training", "attended"): "Came",
    ("group_projects", "topic"): "Topic",
    ("readings", "pdf_filename"): "PDF",
    ("readings", "pdf_size"): "Size of the PDF",
    ("readings", "pdf_data"): "The PDF itself",
    ("people", "base"): "Based at",
    ("essay_marks", "position"): "Which mark",
    ("essay_marks", "marker_name"): "Marker",
    ("consents", "scope"): "Consent for",
    ("consents", "withdrawal_recorded_by_name"): "Withdrawal recorded by",
    ("questionnaire_answers", "value"): "Answer",
    ("questionnaire_answers", "text"): "Written answer",
    ("progressions", "kind"): "What they went on to do",
    ("progressions", "started_on"): "From",
    ("progressions", "ended_on"): "Until",
    ("stationery", "prison_signature_on_certificates"): "The prison signs certificates",
    ("stationery", "university_signatory"): "University signatory",
    ("stationery", "university_signatory_title"): "University signatory's title",
    ("stationery", "prison_signatory"): "Prison signatory",
    ("stationery", "prison_signatory_title"): "Prison signatory's title",
    ("stationery", "logo_type"): "Kind of logo picture",
}

_LINK_LABELS = {
    "partnership_id": "Partnership",
    "course_id": "Course",
    "cohort_id": "Cohort",
    "person_id": "Person",
    "lecturer_id": "Lecturer",
    "membership_id": "Place",
    "invited_by_id": "Invited by",
    "group_id": "Small group",
    "session_id": "Session",
    "essay_id": "Essay",
    "event_id": "Graduation",
    "story_id": "Story",
    "question_id": "Question",
    "template_id": "Questionnaire",
    "response_id": "Questionnaire",
    "item_id": "Question",
    "application_id": "Application",
    "interview_id": "Interview",
    "project_id": "Group project",
    "presentation_session_id": "Presented at",
}


def kind_of(table: str) -> str:
    return KINDS.get(table, table.replace("_", " ").capitalize())


def label_of(table: str, key: str) -> str:
    if key == REMOVED:
        return "Removed"
    if (table, key) in _LABELS:
        return _LABELS[(table, key)]
    if key in _LINK_LABELS:
        return _LINK_LABELS[key]
    return key.replace("_", " ").capitalize()


def shown(table: str, key: str) -> bool:
    return ("*", key) not in HIDDEN and (table, key) not in HIDDEN


class RecordWords:
    """Says what records are, looking up the records they name in ``session``."""

    def __init__(
        self,
        session: Session,
        *,
        may_see_names: bool,
        may_see_writers: bool,
        may_see_research: bool,
    ) -> None:
        self._session = session
        self._names = may_see_names
        self._writers = may_see_writers
        self._research = may_see_research
        self._found: dict[tuple[type[Any], uuid.UUID], Any] = {}

    # -- what a record is ------------------------------------------------------------

    def title(self, table: str, values: Mapping[str, Any]) -> str:
        """What the record is: "Register mark — Alex Smith, Autumn 2026, week 3 (Tue 6
        Oct 2026)"."""
        detail = self._detail(table, values)
        return f"{kind_of(table)} — {detail}" if detail else kind_of(table)

    def _detail(self, table: str, v: Mapping[str, Any]) -> str:
        if table == "people":
            return self._name_from(v) if self._names else "a person"
        if table in ("partnerships", "cohorts", "questionnaire_templates"):
            return str(v.get("name") or "")
        if table == "courses":
            return str(v.get("title") or "")
        if table == "memberships":
            return self._join(self.person(v.get("person_id")), self.cohort(v.get("cohort_id")))
        if table == "membership_status_changes":
            return self.membership(v.get("membership_id"))
        if table == "small_groups":
            return self._join(str(v.get("name") or ""), self.cohort(v.get("cohort_id")))
        if table == "group_members":
            return self._join(
                self.membership(v.get("membership_id")), self.group(v.get("group_id"))
            )
        if table == "class_sessions":
            return self._session_words(v.get("cohort_id"), v.get("week"), v.get("held_on"))
        if table == "readings":
            return self._join(_short(str(v.get("title") or "")), self.session(v.get("session_id")))
        if table in ("attendance", "stories"):
            return self._join(self.person(v.get("person_id")), self.session(v.get("session_id")))
        if table == "story_answers":
            return self._join(self.story(v.get("story_id")), self.question(v.get("question_id")))
        if table == "story_questions":
            which = self.cohort(v.get("cohort_id")) if v.get("cohort_id") else "every cohort"
            return self._join(_short(str(v.get("text") or "")), which)
        if table == "essays":
            return self._essay_words(v)
        if table == "essay_marks":
            position = v.get("position")
            which = (
                f"{position.label.lower()} mark" if isinstance(position, LabelledEnum) else "a mark"
            )
            return self._join(which, self.essay(v.get("essay_id")))
        if table == "attachments":
            linked = self.essay(v.get("essay_id")) if v.get("essay_id") else ""
            return self._join(str(v.get("filename") or ""), linked)
        if table == "certificates":
            return self._join(str(v.get("serial") or ""), self.membership(v.get("membership_id")))
        if table == "consents":
            scope = v.get("scope")
            return self._join(
                scope.label if isinstance(scope, LabelledEnum) else "",
                self.person(v.get("person_id")),
            )
        if table == "questionnaire_items":
            return self._join(_short(str(v.get("text") or "")), self.template(v.get("template_id")))
        if table == "questionnaire_responses":
            return self._response_words(v)
        if table == "questionnaire_answers":
            return self._join(self.response(v.get("response_id")), self.item(v.get("item_id")))
        if table == "interviews":
            return self._join(self.person(v.get("person_id")), self.cohort(v.get("cohort_id")))
        if table == "graduation_events":
            held = v.get("held_on")
            when = format_date(held) if isinstance(held, date) else ""
            return self._join(str(v.get("title") or ""), when)
        if table == "graduation_cohorts":
            return f"{self.cohort(v.get('cohort_id'))} at {self.event(v.get('event_id'))}"
        if table == "programme_items":
            return self._join(str(v.get("title") or ""), self.event(v.get("event_id")))
        if table == "facilitator_training":
            return self._join(self.person(v.get("person_id")), str(v.get("title") or ""))
        if table == "group_projects":
            return self._join(_short(str(v.get("topic") or "")), self.cohort(v.get("cohort_id")))
        if table == "project_groups":
            return self._join(self.group(v.get("group_id")), self.project(v.get("project_id")))
        if table == "progressions":
            kind = v.get("kind")
            return self._join(
                kind.label if isinstance(kind, LabelledEnum) else "",
                self.person(v.get("person_id")),
            )
        if table == "stationery":
            return self.partnership(v.get("partnership_id"))
        return ""

    @staticmethod
    def _join(*parts: str) -> str:
        return ", ".join(p for p in parts if p)

    def _name_from(self, v: Mapping[str, Any]) -> str:
        first = v.get("preferred_name") or v.get("given_name") or ""
        return f"{first} {v.get('family_name') or ''}".strip() or "a person"

    def _session_words(self, cohort_id: Any, week: Any, held_on: Any) -> str:
        when = f" ({format_date(held_on)})" if isinstance(held_on, date) else ""
        which = week_name(week).lower() if isinstance(week, int) else ""
        return self._join(self.cohort(cohort_id), f"{which}{when}" if which else "")

    def _essay_words(self, v: Mapping[str, Any]) -> str:
        words = f"candidate {v.get('candidate_number') or '?'}"
        membership = self._get(Membership, v.get("membership_id"))
        if membership is None:
            return words
        if self._writers and v.get("identities_revealed"):
            words = f"{self.person(membership.person_id)} ({words})"
        return self._join(words, self.cohort(membership.cohort_id))

    def _response_words(self, v: Mapping[str, Any]) -> str:
        phase = v.get("phase")
        template = self.template(v.get("template_id"))
        if isinstance(phase, LabelledEnum):
            template = f"{template} ({phase.label.lower()})" if template else phase.label
        return self._join(
            template, self.person(v.get("person_id")), self.cohort(v.get("cohort_id"))
        )

    # -- the records a record names -------------------------------------------------------

    def _get(self, model: type[Any], record_id: Any) -> Any:
        if not isinstance(record_id, uuid.UUID):
            return None
        key = (model, record_id)
        if key not in self._found:
            self._found[key] = self._session.get(
                model, record_id, execution_options={INCLUDE_DELETED: True}
            )
        return self._found[key]

    def person(self, person_id: Any) -> str:
        if not self._names:
            return "a person"
        person = self._get(Person, person_id)
        return person.display_name if person is not None else "a person not held here"

    def cohort(self, cohort_id: Any) -> str:
        cohort = self._get(Cohort, cohort_id)
        return cohort.name if cohort is not None else ""

    def session(self, session_id: Any) -> str:
        found = self._get(ClassSession, session_id)
        if found is None:
            return ""
        return self._session_words(found.cohort_id, found.week, found.held_on)

    def membership(self, membership_id: Any) -> str:
        found = self._get(Membership, membership_id)
        if found is None:
            return ""
        return self._join(self.person(found.person_id), self.cohort(found.cohort_id))

    def group(self, group_id: Any) -> str:
        found = self._get(SmallGroup, group_id)
        return "" if found is None else found.name

    def project(self, project_id: Any) -> str:
        found = self._get(GroupProject, project_id)
        return "" if found is None else f"“{_short(found.topic)}”"

    def essay(self, essay_id: Any) -> str:
        found = self._get(Essay, essay_id)
        if found is None:
            return ""
        return "essay of " + self._essay_words(
            {
                "candidate_number": found.candidate_number,
                "membership_id": found.membership_id,
                "identities_revealed": found.identities_revealed,
            }
        )

    def story(self, story_id: Any) -> str:
        found = self._get(Story, story_id)
        if found is None:
            return ""
        return self._join(self.person(found.person_id), self.session(found.session_id))

    def question(self, question_id: Any) -> str:
        found = self._get(StoryQuestion, question_id)
        return "" if found is None else f"“{_short(found.text)}”"

    def template(self, template_id: Any) -> str:
        found = self._get(QuestionnaireTemplate, template_id)
        return "" if found is None else found.name

    def item(self, item_id: Any) -> str:
        found = self._get(QuestionnaireItem, item_id)
        return "" if found is None else f"question {found.position}"

    def response(self, response_id: Any) -> str:
        found = self._get(QuestionnaireResponse, response_id)
        if found is None:
            return ""
        return self._response_words(
            {
                "phase": found.phase,
                "template_id": found.template_id,
                "person_id": found.person_id,
                "cohort_id": found.cohort_id,
            }
        )

    def event(self, event_id: Any) -> str:
        found = self._get(GraduationEvent, event_id)
        return "" if found is None else found.title

    def course(self, course_id: Any) -> str:
        found = self._get(Course, course_id)
        return "" if found is None else found.title

    def partnership(self, partnership_id: Any) -> str:
        found = self._get(Partnership, partnership_id)
        return "" if found is None else found.name

    def _linked(self, key: str, value: uuid.UUID) -> str:
        by_key = {
            "person_id": self.person,
            "lecturer_id": self.person,
            "cohort_id": self.cohort,
            "session_id": self.session,
            "membership_id": self.membership,
            "invited_by_id": self.membership,
            "group_id": self.group,
            "essay_id": self.essay,
            "story_id": self.story,
            "question_id": self.question,
            "template_id": self.template,
            "item_id": self.item,
            "response_id": self.response,
            "event_id": self.event,
            "course_id": self.course,
            "partnership_id": self.partnership,
            "project_id": self.project,
            "presentation_session_id": self.session,
        }
        if key in by_key:
            return by_key[key](value) or "a record not held here"
        return "another record"

    # -- a value ----------------------------------------------------------------------

    def value(self, table: str, key: str, value: Any) -> str:
        """One field's value as people read it."""
        if table in RESEARCH_TABLES and not self._research and key not in _LINK_LABELS:
            return "(research data, not shown)"
        if key == REMOVED:
            return "No" if value is None else f"Yes, {_moment(value)}"
        if table == "people" and not self._names and key in _PERSON_NAME_FIELDS:
            return "(not shown)"
        if value is None or value == "":
            return EMPTY
        if isinstance(value, uuid.UUID):
            return self._linked(key, value)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, Enum):
            label = getattr(value, "label", None)
            return label if isinstance(label, str) else str(value.value)
        if isinstance(value, datetime):
            return _moment(value)
        if isinstance(value, date):
            return format_date(value)
        if isinstance(value, time):
            return f"{value:%H:%M}"
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, bytes):
            return f"a file of {max(1, round(len(value) / 1024)):,} KB"
        return str(value)

    def made_by(self, table: str, values: Mapping[str, Any]) -> str:
        """The account that recorded this version, where the record keeps it."""
        key = MADE_BY.get(table)
        return str(values.get(key) or "") if key else ""


_PERSON_NAME_FIELDS = frozenset({"given_name", "family_name", "preferred_name", "email", "notes"})


def _moment(value: datetime) -> str:
    local = value.astimezone()
    return f"{format_date(local.date())} {local:%H:%M}"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
