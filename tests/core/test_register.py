from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from lt_desktop.core.services.programme import SessionInfo
from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    MarkReason,
    MembershipRole,
    PersonBase,
)

PRESENT = Mark(AttendanceStatus.PRESENT)


def _upcoming_session(workspace: Workspace) -> SessionInfo:
    cohort = next(c for c in workspace.programme.list_cohorts() if c.name.startswith("September"))
    return next(
        s
        for s in workspace.programme.list_sessions(cohort.id)
        if s.marks_taken == 0 and not s.is_cancelled
    )


def test_the_register_lists_who_is_expected_by_group(demo: Workspace) -> None:
    session = _upcoming_session(demo)
    register = demo.register.register(session.id)
    assert register.unmarked == len(register.lines) > 24
    groups = [line.group_name for line in register.lines]
    assert groups == sorted(groups, key=lambda name: (name == "", name))
    first_group = [line for line in register.lines if line.group_name == groups[0]]
    assert first_group[0].role is MembershipRole.FACILITATOR
    assert {line.role for line in register.lines} <= {
        MembershipRole.FACILITATOR,
        MembershipRole.MENTOR,
        MembershipRole.STUDENT,
    }


def test_everyone_present_fills_only_rows_not_yet_marked(demo: Workspace) -> None:
    session = _upcoming_session(demo)
    lines = demo.register.register(session.id).lines
    absent = Mark(AttendanceStatus.ABSENT, MarkReason.LEGAL_VISIT)
    demo.register.mark(session.id, lines[0].person_id, absent)
    changes = demo.register.mark_everyone_present(session.id)
    assert len(changes) == len(lines) - 1
    register = demo.register.register(session.id)
    assert register.unmarked == 0
    assert register.lines[0].mark == absent
    assert register.counts()[AttendanceStatus.PRESENT] == len(lines) - 1
    assert register.lines[1].recorded_by == "Demo Administrator"


def test_every_mark_is_saved_at_once_and_undo_puts_back_what_was_there(
    demo: Workspace, demo_dir: Path
) -> None:
    session = _upcoming_session(demo)
    person = demo.register.register(session.id).lines[3].person_id
    first = demo.register.mark(session.id, person, PRESENT)
    assert first is not None and first.before is None
    second = demo.register.mark(session.id, person, Mark(AttendanceStatus.LATE, note="bus"))
    assert second is not None and second.before == PRESENT
    demo.close()
    with sign_in(demo_dir, "demo", "demo") as again:  # saved, not held in memory
        line = next(x for x in again.register.register(session.id).lines if x.person_id == person)
        assert line.mark == Mark(AttendanceStatus.LATE, note="bus")
        again.register.undo(session.id, [second])
        line = next(x for x in again.register.register(session.id).lines if x.person_id == person)
        assert line.mark == PRESENT
        again.register.undo(session.id, [first])
        line = next(x for x in again.register.register(session.id).lines if x.person_id == person)
        assert line.mark is None
        # Marking again after an undo revives the same record, not a duplicate.
        again.register.mark(session.id, person, PRESENT)
        assert again.register.register(session.id).counts()[AttendanceStatus.PRESENT] == 1


def test_a_batch_of_marks_is_one_transaction(demo: Workspace) -> None:
    session = _upcoming_session(demo)
    lines = demo.register.register(session.id).lines
    outsider = demo.people.add_person(
        given_name="Not", family_name="Enrolled", base=PersonBase.UNIVERSITY
    )
    with pytest.raises(ValidationError, match="not in this session's cohort"):
        demo.register.set_marks(session.id, {lines[0].person_id: PRESENT, outsider.id: PRESENT})
    assert demo.register.register(session.id).unmarked == len(lines)


def test_each_mark_takes_only_the_reasons_offered_for_it() -> None:
    assert Mark(AttendanceStatus.ABSENT).reason is MarkReason.UNKNOWN
    assert Mark(AttendanceStatus.LATE).reason is None
    assert Mark(AttendanceStatus.LATE, MarkReason.REGIME_DELAY).reason is MarkReason.REGIME_DELAY
    assert Mark(AttendanceStatus.LEFT_EARLY, MarkReason.HEALTHCARE).reason is MarkReason.HEALTHCARE
    assert Mark(AttendanceStatus.EXCUSED, MarkReason.LEGAL_VISIT).reason is MarkReason.LEGAL_VISIT
    with pytest.raises(ValidationError, match="not a reason offered for present"):
        Mark(AttendanceStatus.PRESENT, MarkReason.LOCKDOWN)
    with pytest.raises(ValidationError, match="not a reason offered for late"):
        Mark(AttendanceStatus.LATE, MarkReason.RELEASE)


def test_a_reason_given_as_its_stored_value_is_the_reason_itself() -> None:
    """A menu or a form may hand back the plain stored value, not the enum."""
    mark = Mark(AttendanceStatus.ABSENT, "illness")  # type: ignore[arg-type]
    assert mark.reason is MarkReason.ILLNESS
    assert mark.reason.label == "Illness"


def test_a_note_is_one_tidy_line_of_limited_length() -> None:
    assert Mark(AttendanceStatus.LATE, note="  held at\n the gate ").note == "held at the gate"
    with pytest.raises(ValidationError, match="at most"):
        Mark(AttendanceStatus.PRESENT, note="x" * 501)


def test_late_left_early_and_excused_keep_their_reasons_and_notes(demo: Workspace) -> None:
    session = _upcoming_session(demo)
    lines = demo.register.register(session.id).lines
    wanted: dict[uuid.UUID, Mark | None] = {
        lines[0].person_id: Mark(AttendanceStatus.LATE, MarkReason.MOVEMENT, "Movements late"),
        lines[1].person_id: Mark(AttendanceStatus.LEFT_EARLY, MarkReason.HEALTHCARE),
        lines[2].person_id: Mark(AttendanceStatus.EXCUSED, MarkReason.LEGAL_VISIT),
        lines[3].person_id: Mark(AttendanceStatus.PRESENT, note="Brought the reading"),
    }
    demo.register.set_marks(session.id, wanted)
    saved = {line.person_id: line.mark for line in demo.register.register(session.id).lines}
    for person_id, mark in wanted.items():
        assert saved[person_id] == mark
