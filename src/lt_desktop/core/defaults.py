"""What a new installation starts with, so the research can begin on the first day: the
story questions every cohort is asked each week, and a questionnaire for before and
after the course. Administrators and education staff change both afterwards.

A prison and its university each set up a store of their own, and each starts with
these. So that they are one set of records when the two exchange, not two, each
default is made exactly alike everywhere: its id drawn from a fixed name, and its
version one made by no site (``DEFAULTS_ORIGIN``) at the very start of time, so the
first change anyone makes to it sorts after it and replaces it everywhere.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from lt_desktop.domain.vocabulary import ItemKind
from lt_desktop.storage.clock import format_version
from lt_desktop.storage.models import (
    QuestionnaireItem,
    QuestionnaireTemplate,
    StoryQuestion,
    SyncedRecord,
)
from lt_desktop.storage.store import Store

#: Where every default says it was made: no site, the same at every site.
DEFAULTS_ORIGIN = uuid.uuid5(uuid.NAMESPACE_URL, "lt-desktop:records-every-new-store-starts-with")
#: The one version every default has until someone changes it.
DEFAULTS_VERSION = format_version(0, 0, DEFAULTS_ORIGIN)
_MADE = datetime(2026, 1, 1, tzinfo=UTC)

#: Asked with every weekly story, of every cohort without questions of its own.
STORY_QUESTIONS = [
    "What did you learn this week, about the subject or about yourself?",
    "What surprised you, or changed how you see things?",
    "How did learning alongside the others in your group shape your thinking?",
    "What will you take from this week into the next?",
]

QUESTIONNAIRE_NAME = "Learning Together: before and after the course"
QUESTIONNAIRE_DESCRIPTION = (
    "Asked at the start of the course and again at the end, of everyone who consents. "
    "Each statement is answered from 1 (strongly disagree) to 5 (strongly agree); two "
    "are scored the other way round. Change the wording to suit your evaluation before "
    "the first answers are entered."
)
#: (wording, subscale, reverse-scored); the last is answered in the person's own words.
QUESTIONNAIRE_ITEMS: list[tuple[str, str, bool]] = [
    ("I am confident I can understand difficult ideas if I keep at them.", "Confidence", False),
    ("I can put my thoughts into writing so that others understand them.", "Confidence", False),
    ("When a piece of work is hard, I give up easily.", "Confidence", True),
    ("I can explain my point of view to people who see things differently.", "Confidence", False),
    ("I feel I belong in a place of learning such as a university.", "Belonging", False),
    (
        "I feel at ease learning alongside people whose lives are different from mine.",
        "Belonging",
        False,
    ),
    ("I feel that people like me are not welcome in education.", "Belonging", True),
    ("Others in a learning group value my experience and ideas.", "Belonging", False),
    ("I can see myself carrying on studying after this course.", "Hope", False),
    ("I have a lot to offer other people.", "Hope", False),
    ("I feel able to make positive changes in my life.", "Hope", False),
]
FREE_TEXT_ITEM = "Is there anything else you would like to tell us about your learning?"


def default_id(name: str) -> uuid.UUID:
    """The id of the default called ``name``: the same at every site."""
    return uuid.uuid5(DEFAULTS_ORIGIN, name)


def write_defaults(store: Store) -> None:
    """Give a new store the default story questions and questionnaire (once: a store
    that holds them already is left as it is)."""
    records: list[SyncedRecord] = [
        StoryQuestion(id=default_id(f"story-question-{n}"), position=n, text=text)
        for n, text in enumerate(STORY_QUESTIONS)
    ]
    template_id = default_id("questionnaire")
    records.append(
        QuestionnaireTemplate(
            id=template_id, name=QUESTIONNAIRE_NAME, description=QUESTIONNAIRE_DESCRIPTION
        )
    )
    records += [
        QuestionnaireItem(
            id=default_id(f"questionnaire-item-{n}"),
            template_id=template_id,
            position=n,
            text=text,
            kind=ItemKind.LIKERT,
            scale_points=5,
            reverse_scored=reverse,
            subscale=subscale,
        )
        for n, (text, subscale, reverse) in enumerate(QUESTIONNAIRE_ITEMS)
    ]
    records.append(
        QuestionnaireItem(
            id=default_id(f"questionnaire-item-{len(QUESTIONNAIRE_ITEMS)}"),
            template_id=template_id,
            position=len(QUESTIONNAIRE_ITEMS),
            text=FREE_TEXT_ITEM,
            kind=ItemKind.FREE_TEXT,
            scale_points=None,
        )
    )
    for record in records:
        record.origin_site_id = DEFAULTS_ORIGIN
        record.version = record.ancestry = DEFAULTS_VERSION
        record.previous_version = None
        record.created_at = record.updated_at = _MADE
    with store.write() as session:
        if session.get(QuestionnaireTemplate, template_id) is not None:
            return
        # The versions are the defaults' own, not this site's: made alike everywhere.
        session.info["keep_versions"] = True
        for record in records:  # in order: the questionnaire before its items
            session.add(record)
            session.flush()
