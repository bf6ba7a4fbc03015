"""What a piece of work changed, in the areas screens show.

A write transaction reports the tables it wrote when it commits (the store's
sessions do this, see ``storage.database``); things kept outside the store, such
as backup files, are reported by the service that writes them (``report``). Work
run inside ``recording()`` hears of every change made on its thread, so the window
can tell each screen whether what it shows is out of date.

The recorder is per thread: the app runs work on one background thread, and a
change made on another thread (a test's own, say) is not this work's.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from enum import Enum


class Change(Enum):
    """An area of the records that screens show and reload when it changes."""

    PEOPLE = "people"
    CONSENT = "consent"
    COHORTS = "cohorts"
    MEMBERS = "members"
    GROUPS = "groups"
    SESSIONS = "sessions"
    REGISTER = "register"
    ACCOUNTS = "accounts"
    SETTINGS = "settings"
    AUDIT = "audit"
    APPLICATIONS = "applications"
    ATTACHMENTS = "attachments"
    ESSAYS = "essays"
    GRADUATION = "graduation"
    QUESTIONNAIRES = "questionnaires"
    ANSWERS = "answers"
    MENTORING = "mentoring"
    STORIES = "stories"
    INTERVIEWS = "interviews"
    SYNC = "sync"
    #: Backup files: written outside the store, reported by the service that writes them.
    BACKUPS = "backups"


#: The area each table of the store belongs to.
TABLE_CHANGES: dict[str, Change] = {
    "people": Change.PEOPLE,
    "prison_details": Change.PEOPLE,
    "transfers": Change.PEOPLE,
    "person_merges": Change.PEOPLE,
    "progressions": Change.PEOPLE,
    "erasures": Change.PEOPLE,
    "consents": Change.CONSENT,
    "courses": Change.COHORTS,
    "partnerships": Change.COHORTS,
    "stationery": Change.COHORTS,
    "cohorts": Change.COHORTS,
    "memberships": Change.MEMBERS,
    "membership_status_changes": Change.MEMBERS,
    "small_groups": Change.GROUPS,
    "group_members": Change.GROUPS,
    "group_projects": Change.COHORTS,
    "project_groups": Change.COHORTS,
    "class_sessions": Change.SESSIONS,
    "readings": Change.SESSIONS,
    "attendance": Change.REGISTER,
    "users": Change.ACCOUNTS,
    "settings": Change.SETTINGS,
    "retention_settings": Change.SETTINGS,
    "audit_log": Change.AUDIT,
    "applications": Change.APPLICATIONS,
    "application_scores": Change.APPLICATIONS,
    "rubric_criteria": Change.APPLICATIONS,
    "attachments": Change.ATTACHMENTS,
    "essays": Change.ESSAYS,
    "essay_marks": Change.ESSAYS,
    "graduation_events": Change.GRADUATION,
    "graduation_cohorts": Change.GRADUATION,
    "graduation_guests": Change.GRADUATION,
    "programme_items": Change.GRADUATION,
    "certificates": Change.GRADUATION,
    "questionnaire_templates": Change.QUESTIONNAIRES,
    "questionnaire_items": Change.QUESTIONNAIRES,
    "questionnaire_responses": Change.ANSWERS,
    "questionnaire_answers": Change.ANSWERS,
    "mentor_invitations": Change.MENTORING,
    "mentor_training": Change.MENTORING,
    "facilitator_training": Change.MENTORING,
    "stories": Change.STORIES,
    "story_questions": Change.STORIES,
    "story_answers": Change.STORIES,
    "interviews": Change.INTERVIEWS,
    "sites": Change.SYNC,
    "site_keys": Change.SYNC,
    "partners": Change.SYNC,
    "sync_conflicts": Change.SYNC,
    "received_bundles": Change.SYNC,
    "waiting_records": Change.SYNC,
    "merged_records": Change.SYNC,
}

#: Tables no screen shows: the change counter every synced write bumps, and the
#: unsaved typing kept at a lock (read back only when a screen opens).
NOT_SHOWN: frozenset[str] = frozenset({"change_counter", "drafts"})


def changes_for_tables(tables: Iterable[str]) -> frozenset[Change]:
    """The areas the given tables belong to (tables no screen shows give none)."""
    return frozenset(TABLE_CHANGES[name] for name in tables if name in TABLE_CHANGES)


_local = threading.local()


def _recorders() -> list[set[Change]]:
    recorders: list[set[Change]] | None = getattr(_local, "recorders", None)
    if recorders is None:
        recorders = _local.recorders = []
    return recorders


@contextlib.contextmanager
def recording() -> Iterator[set[Change]]:
    """Gather every change reported on this thread until the block ends. Recorders
    nest: a change is heard by each one open."""
    changed: set[Change] = set()
    recorders = _recorders()
    recorders.append(changed)
    try:
        yield changed
    finally:
        recorders.pop()  # blocks end in the order they began


def report(*changes: Change) -> None:
    """Tell the open recorders on this thread (if any) of changes made."""
    for recorder in _recorders():
        recorder.update(changes)


def report_tables(tables: Iterable[str]) -> None:
    """Tell the open recorders on this thread of committed writes to ``tables``."""
    recorders = _recorders()
    if recorders:
        report(*changes_for_tables(tables))
