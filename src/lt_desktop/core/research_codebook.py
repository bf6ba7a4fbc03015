"""The research export's codebook: one row for every column of every file written.

A researcher opening the files in R, SPSS or NVivo reads here what each column holds
and which values it takes. The rows are made from the headers actually written, so a
column cannot go out undescribed; a column this module has no words for is a mistake
that `describe` reports rather than hides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lt_desktop.domain.vocabulary import MembershipRole, PersonBase, QuestionnairePhase

CODEBOOK_FILE = "codebook.csv"
CODEBOOK_HEADER = ["file", "column", "meaning", "values"]

_SCRUBBED = (
    "Every name the app knows (given, family, preferred, alone or as a full name, of three "
    "letters or more) is replaced by [name], or by the writer's research id where it is theirs."
)

_COMMON: dict[str, tuple[str, str]] = {
    "research_id": (
        "The person's research id: random, stable across exports, carrying no identity.",
        "text",
    ),
    "base": (
        "Where the person is based: comparing prison-based and university-based students is "
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
        "score": ("The overall score; empty on a subscale's row or if too few answers.", "number"),
        "subscale": ("The subscale of this row's score; empty on the overall row.", "text"),
        "subscale_score": ("The subscale's score; empty on the overall row.", "number"),
    },
}

_STORY_QUESTION = (
    "The answer to the weekly question numbered and worded in the column name; empty if none. "
    + _SCRUBBED
)


def describe(file: str, column: str) -> tuple[str, str]:
    """What ``column`` of ``file`` means, and which values it takes."""
    if column in _BY_FILE.get(file, {}):
        return _BY_FILE[file][column]
    if column in _COMMON:
        return _COMMON[column]
    if file == "stories.csv" and column[:1] == "q" and ":" in column:
        return _STORY_QUESTION, "free text"
    raise KeyError(f"The codebook has no words for the column {column!r} of {file}.")


def codebook_rows(headers: Mapping[str, Sequence[object]]) -> list[list[object]]:
    """The codebook for files with these headers, header row first, in file order."""
    rows: list[list[object]] = [list(CODEBOOK_HEADER)]
    for file, header in headers.items():
        for column in header:
            meaning, values = describe(file, str(column))
            rows.append([file, column, meaning, values])
    return rows
