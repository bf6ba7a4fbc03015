"""The research export's codebook: one row for every column of every file written.

A researcher opening the files in R, SPSS or NVivo reads here what each column holds
and which values it takes. The rows are made from the headers actually written, so a
column cannot go out undescribed; a column this module has no words for is a mistake
that `describe` reports rather than hides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lt_desktop.core.research_dates import LONGEST_SHIFT_DAYS
from lt_desktop.domain.vocabulary import (
    InterviewStatus,
    MembershipRole,
    PersonBase,
    QuestionnairePhase,
)

CODEBOOK_FILE = "codebook.csv"
CODEBOOK_HEADER = ["file", "column", "meaning", "values"]

_SCRUBBED = (
    "Every name the app knows (given, family, preferred, alone or as a full name, of three "
    "letters or more; and the names of staff, interviewers, markers and guests) is replaced "
    "by [name], or by the writer's research id where it is theirs."
)
_SCRUBBED_ALL = (
    "Every name the app knows (given, family, preferred, alone or as a full name, of three "
    "letters or more; and the names of staff, interviewers, markers and guests) is replaced "
    "by [name]."
)
_DATE = "date, YYYY-MM-DD"
_PERSON_DATE_SHIFTED = (
    f"Shifted: moved back by this person's own whole number of days (0 to {LONGEST_SHIFT_DAYS}),"
    " the same in every file of this export and in every export from this store, so the "
    "days between one person's dates are true but no date is the real one."
)
_COHORT_DATE_SHIFTED = (
    f"Shifted: moved back by the cohort's own whole number of days (0 to {LONGEST_SHIFT_DAYS}), "
    "not a person's, the same in every export from this store."
)
_NOT_SHIFTED = "Not shifted: the real date."
_UNPAIRED = (
    "Only people with both a before and an after questionnaire (of the same questionnaire "
    "and cohort) have rows here; an unpaired response is left out of this file and appears "
    "in questionnaire_answers.csv and questionnaire_scores.csv only."
)

_COMMON: dict[str, tuple[str, str]] = {
    "research_id": (
        "The person's research id: random, stable across exports, carrying no identity.",
        "text",
    ),
    "base": (
        "Where the person is based: comparing prison-based and university-based participants is "
        "the point of the evaluation.",
        ", ".join(b.value for b in PersonBase),
    ),
    "cohort": ("The course and cohort, as 'Course: Cohort'.", "text"),
    "questionnaire": ("The questionnaire's name.", "text"),
    "phase": (
        "When the questionnaire was given: before or after the course.",
        ", ".join(p.value for p in QuestionnairePhase),
    ),
}

_BY_FILE: dict[str, dict[str, tuple[str, str]]] = {
    "stories.csv": {
        "week": ("The course week of the session the story is about.", "whole number"),
        "role": (
            "The person's role in the cohort; empty if they are no longer a member.",
            ", ".join(r.value for r in MembershipRole),
        ),
        "story": ("The weekly story, as transcribed. " + _SCRUBBED, "free text"),
    },
    "questionnaire_answers.csv": {
        "item": ("The item's number in the questionnaire, from 1.", "whole number"),
        "wording": ("The item's wording.", "text"),
        "subscale": ("The subscale the item belongs to; empty if none.", "text"),
        "reverse_scored": ("Whether the item is reverse scored.", "1 yes, 0 no"),
        "answer": ("The answer as given, for a rating item; empty if not answered.", "number"),
        "scored": ("The answer as scored (reversed where the item is).", "number"),
        "text": ("The answer to a free-text item. " + _SCRUBBED, "free text"),
    },
    "questionnaire_scores.csv": {
        "completed_on": ("The day the questionnaire was filled in; empty if not known.", _DATE),
        "score": ("The overall score; empty on a subscale's row or if too few answers.", "number"),
        "subscale": ("The subscale of this row's score; empty on the overall row.", "text"),
        "subscale_score": ("The subscale's score; empty on the overall row.", "number"),
    },
    "questionnaire_pairs.csv": {
        "item": (
            "The rating item's number in the questionnaire, from 1: one row for each rating item "
            "of each person's pair of questionnaires. " + _UNPAIRED,
            "whole number",
        ),
        "wording": ("The item's wording.", "text"),
        "subscale": ("The subscale the item belongs to; empty if none.", "text"),
        "reverse_scored": ("Whether the item is reverse scored.", "1 yes, 0 no"),
        "pre": (
            "The answer before the course, as scored (reversed where the item is); empty if "
            "this item was not answered then.",
            "number",
        ),
        "post": (
            "The answer after the course, as scored; empty if this item was not answered then.",
            "number",
        ),
        "change": (
            "post minus pre: above 0 is a rise; empty unless both were answered.",
            "number",
        ),
    },
    "interviews.csv": {
        "interview": (
            "The interview: the person's research id and its number among theirs. A text "
            "transcript is in transcripts/ under this name.",
            "text",
        ),
        "status": (
            "Whether the interview is planned, was held, or was cancelled.",
            ", ".join(s.value for s in InterviewStatus),
        ),
        "held_on": ("The day it was held or is planned for; empty if not set.", _DATE),
        "notes": ("The interviewer's notes. " + _SCRUBBED, "free text"),
        "transcript_files": (
            "The transcript files written for it, as paths under the export folder (UTF-8 "
            "text, names replaced as in notes); empty if none.",
            "text",
        ),
        "files_not_exported": (
            "Files of the interview that are not text (audio, scans) and stay in the store: "
            "how many, their type and size. Empty if none.",
            "text",
        ),
    },
    "sense_making.csv": {
        "cohort": (
            "The course and cohort, as 'Course: Cohort'. One row per group sense-making "
            "meeting; no person is named or numbered in this file.",
            "text",
        ),
        "meeting": ("The meeting's number in its cohort, from 1.", "whole number"),
        "held_on": ("The day of the meeting.", _DATE),
        **{
            f"attended_{base.value}_based": (
                f"How many {base.label.lower()}-based participants attended: the file's base "
                "column, since comparing prison-based and university-based participants is "
                "the point of the evaluation.",
                "whole number",
            )
            for base in PersonBase
        },
        "notes": (
            "The notes of what the group made sense of together. " + _SCRUBBED_ALL,
            "free text",
        ),
    },
    "essays.csv": {
        "title": ("The essay's title. " + _SCRUBBED, "free text"),
        "word_count": ("The essay's length in words.", "whole number"),
        "submitted_on": ("The day the essay was handed in; empty if not known.", _DATE),
        "agreed_mark": (
            "The agreed mark after double-blind marking. Only essays whose mark is agreed are "
            "in this file; no candidate number, marker or feedback is.",
            "number, 0 to 100",
        ),
        "essay": (
            "The essay's text; empty if it was kept as a scan only. " + _SCRUBBED,
            "free text",
        ),
    },
}

#: Columns holding a date about one person, and about a whole cohort.
_PERSON_DATES = {
    ("questionnaire_scores.csv", "completed_on"),
    ("interviews.csv", "held_on"),
    ("essays.csv", "submitted_on"),
}
_COHORT_DATES = {("sense_making.csv", "held_on")}

_STORY_QUESTION = (
    "The answer to the weekly question numbered and worded in the column name; empty if none. "
    + _SCRUBBED
)


def describe(file: str, column: str, *, dates_shifted: bool = False) -> tuple[str, str]:
    """What ``column`` of ``file`` means, and which values it takes; a date column
    says whether its dates are shifted."""
    if column in _BY_FILE.get(file, {}):
        meaning, values = _BY_FILE[file][column]
        if (file, column) in _PERSON_DATES:
            meaning += " " + (_PERSON_DATE_SHIFTED if dates_shifted else _NOT_SHIFTED)
        elif (file, column) in _COHORT_DATES:
            meaning += " " + (_COHORT_DATE_SHIFTED if dates_shifted else _NOT_SHIFTED)
        return meaning, values
    if column in _COMMON:
        return _COMMON[column]
    if file == "stories.csv" and column[:1] == "q" and ":" in column:
        return _STORY_QUESTION, "free text"
    raise KeyError(f"The codebook has no words for the column {column!r} of {file}.")


def codebook_rows(
    headers: Mapping[str, Sequence[object]], *, dates_shifted: bool = False
) -> list[list[object]]:
    """The codebook for files with these headers, header row first, in file order."""
    rows: list[list[object]] = [list(CODEBOOK_HEADER)]
    for file, header in headers.items():
        for column in header:
            meaning, values = describe(file, str(column), dates_shifted=dates_shifted)
            rows.append([file, column, meaning, values])
    return rows
