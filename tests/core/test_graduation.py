"""Graduation through the services, on a real encrypted store: the event and its
programme, guests and their clearance, deadline and capacity warnings, who attended,
and certificates recorded against each student at the graduation."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from lt_desktop.core.services.graduation import EventSummary, GuestInfo
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    ClearanceStatus,
    GuestCategory,
    MembershipRole,
    MembershipStatus,
    SessionKind,
)
from lt_desktop.storage.models import AttendanceMark, Certificate, ClassSession
from tests.helpers.stores import plaintext_hits

SPRING = "January–March 2026"
AUTUMN = "September–December 2026"
#: Dates these tests are "today" on: the autumn cohort's graduation is on 10 December.
HELD_ON = date(2026, 12, 10)
DEADLINE = date(2026, 11, 20)
GUEST = "Philippa Quillwright"


def _cohort(workspace: Workspace, name: str) -> CohortInfo:
    return next(c for c in workspace.programme.list_cohorts() if c.name == name)


def _autumn_event(workspace: Workspace, *, capacity: int = 80) -> EventSummary:
    autumn = _cohort(workspace, AUTUMN)
    return workspace.graduation.create_event(
        title="Winter 2026 graduation",
        held_on=HELD_ON,
        venue="Education block hall",
        capacity=capacity,
        guest_deadline=DEADLINE,
        cohort_ids=[autumn.id],
    )


def _students(workspace: Workspace, cohort: CohortInfo) -> list[uuid.UUID]:
    """Memberships of the cohort's students who are still on the course."""
    return [
        m.id
        for m in workspace.memberships.list_members(cohort.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.ACTIVE
    ]


def _family(workspace: Workspace, event: EventSummary, inviter: uuid.UUID, name: str) -> GuestInfo:
    return workspace.graduation.add_guest(
        event.id,
        name=name,
        category=GuestCategory.FAMILY,
        relationship="Sister",
        invited_by_id=inviter,
    )


def test_a_role_without_graduation_is_refused_in_the_service(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        (event,) = admin.graduation.list_events()
        guests_before = admin.stats.counts()["graduation_guests"]
    for username in ("facilitator", "marker", "researcher"):
        with sign_in(demo_dir, username, "demo") as other:
            assert not other.actor.may(Permission.MANAGE_GRADUATION)
            with pytest.raises(PermissionDenied, match="does not allow you to manage graduation"):
                other.graduation.list_events()
            with pytest.raises(PermissionDenied):
                other.graduation.details(event.id)
            with pytest.raises(PermissionDenied):
                other.graduation.add_guest(
                    event.id, name="Someone", category=GuestCategory.OFFICIAL
                )
            with pytest.raises(PermissionDenied):
                other.graduation.issue_certificates(event.id)
    with sign_in(demo_dir, "staff", "demo") as staff:
        assert [e.id for e in staff.graduation.list_events()] == [event.id]
        assert staff.stats.counts()["graduation_guests"] == guests_before


def test_the_demo_graduation_is_shown_with_its_programme_guests_and_graduates(
    demo: Workspace,
) -> None:
    (event,) = demo.graduation.list_events()
    assert event.title == "Spring 2026 graduation"
    assert [c.title for c in event.cohorts] == [f"Crime, Justice and Society: {SPRING}"]
    details = demo.graduation.details(event.id, today=date(2026, 11, 25))
    assert [i.title for i in details.programme][:2] == ["Welcome", "Reflections from graduates"]
    assert [i.position for i in details.programme] == list(range(len(details.programme)))
    assert details.guests and all(g.guest_of for g in details.guests)
    # Most guests were cleared and came; a few were still waiting, and one was refused.
    cleared = [g for g in details.guests if g.clearance is ClearanceStatus.CLEARED]
    not_cleared = [g for g in details.guests if g.clearance is not ClearanceStatus.CLEARED]
    assert len(cleared) == 10 and all(g.attended is True for g in cleared)
    assert sorted(g.clearance.value for g in not_cleared) == [
        "not_submitted",
        "not_submitted",
        "refused",
        "submitted",
        "submitted",
    ]
    assert all(g.attended is None for g in not_cleared)
    assert event.guest_deadline is not None
    for guest in details.guests:
        if guest.clearance is ClearanceStatus.NOT_SUBMITTED:
            assert guest.submitted_on is None and guest.decided_on is None
            continue
        assert guest.submitted_on is not None and guest.submitted_on <= event.guest_deadline
        if guest.clearance is ClearanceStatus.SUBMITTED:
            assert guest.decided_on is None
        else:
            assert guest.decided_on is not None
            assert guest.submitted_on <= guest.decided_on < event.held_on
    assert details.warnings.count.guests == 14  # the refused guest is not expected
    assert len(details.graduates) == 21
    assert all(g.certificate_serial for g in details.graduates if g.status.value == "graduated")
    # The event has happened: nothing is late, only the count is reported.
    assert not details.warnings.late and not details.warnings.due
    assert details.warnings.messages() == [details.warnings.count.describe()]


def test_an_event_for_two_cohorts_and_its_details(demo: Workspace) -> None:
    event = _autumn_event(demo)
    spring, autumn = _cohort(demo, SPRING), _cohort(demo, AUTUMN)
    with pytest.raises(ConflictError, match="already graduates at Spring 2026 graduation"):
        demo.graduation.attach_cohort(event.id, spring.id)
    with pytest.raises(ConflictError, match="already graduates at this event"):
        demo.graduation.attach_cohort(event.id, autumn.id)
    with pytest.raises(ValidationError, match="must come before the graduation"):
        demo.graduation.update_event(
            event.id,
            title=event.title,
            held_on=HELD_ON,
            venue=event.venue,
            capacity=80,
            guest_deadline=HELD_ON,
            notes="",
        )
    changed = demo.graduation.update_event(
        event.id,
        title="  Winter graduation  ",
        held_on=HELD_ON,
        venue="The chapel",
        capacity=120,
        guest_deadline=DEADLINE,
        notes="Choir confirmed.",
    )
    assert (changed.title, changed.venue, changed.capacity) == (
        "Winter graduation",
        "The chapel",
        120,
    )
    entry = demo.audit.entries(action="graduation.updated")[0]
    assert entry.details["changed"] == ["capacity", "notes", "title", "venue"]

    # A cohort can be taken off and put back; not while its students' guests are listed.
    inviter = _students(demo, autumn)[0]
    guest = _family(demo, event, inviter, GUEST)
    with pytest.raises(ConflictError, match="invited 1 guest"):
        demo.graduation.detach_cohort(event.id, autumn.id)
    demo.graduation.remove_guest(guest.id)
    assert demo.graduation.detach_cohort(event.id, autumn.id).cohorts == []
    assert [c.cohort_id for c in demo.graduation.attach_cohort(event.id, autumn.id).cohorts] == [
        autumn.id
    ]


def test_programme_items_are_added_edited_reordered_and_removed(demo: Workspace) -> None:
    event = _autumn_event(demo)
    graduation = demo.graduation
    graduation.add_item(
        event.id, title="Welcome", kind="Speech", who="The governor", starts_at="14:00"
    )
    graduation.add_item(event.id, title="Choir", kind="music", starts_at="9.30")
    items = graduation.add_item(event.id, title="Tea and cake", kind="catering", who="Bakery CIC")
    assert [(i.title, i.kind, i.starts_at) for i in items] == [
        ("Welcome", "speech", "14:00"),
        ("Choir", "music", "09:30"),
        ("Tea and cake", "catering", ""),
    ]
    with pytest.raises(ValidationError, match="not a time of day"):
        graduation.add_item(event.id, title="Late", starts_at="25:00")
    with pytest.raises(ValidationError, match="Give the item's title"):
        graduation.add_item(event.id, title="  ")
    items = graduation.move_item(items[2].id, -1)
    assert [i.title for i in items] == ["Welcome", "Tea and cake", "Choir"]
    items = graduation.move_item(items[0].id, -1)  # already first: stays
    assert [i.title for i in items] == ["Welcome", "Tea and cake", "Choir"]
    items = graduation.update_item(
        items[2].id, title="Prison choir", kind="music", who="Northfield voices", starts_at="14:30"
    )
    assert items[2].who == "Northfield voices"
    items = graduation.remove_item(items[1].id)
    assert [(i.title, i.position) for i in items] == [("Welcome", 0), ("Prison choir", 1)]
    # The printed programme follows the same order.
    printed = demo.documents.graduation_programme(event.id)
    assert [line.title for line in printed.items] == ["Welcome", "Prison choir"]
    actions = {e.action for e in demo.audit.entries(action="graduation.programme")}
    assert actions == {
        "graduation.programme_added",
        "graduation.programme_moved",
        "graduation.programme_changed",
        "graduation.programme_removed",
    }


def test_guests_are_invited_by_a_graduating_student_or_come_as_officials(
    demo: Workspace,
) -> None:
    event = _autumn_event(demo)
    spring = _cohort(demo, SPRING)
    with pytest.raises(ValidationError, match="choose the student who invited them"):
        demo.graduation.add_guest(event.id, name=GUEST, category=GuestCategory.FAMILY)
    someone_else = next(
        m.id for m in demo.memberships.list_members(spring.id) if m.role is MembershipRole.STUDENT
    )
    with pytest.raises(ValidationError, match="graduating at this event"):
        _family(demo, event, someone_else, GUEST)
    official = demo.graduation.add_guest(
        event.id, name="Dr Amara Okonjo", category=GuestCategory.OFFICIAL, relationship="Dean"
    )
    assert official.guest_of == "" and official.clearance is ClearanceStatus.NOT_SUBMITTED
    inviter = _students(demo, _cohort(demo, AUTUMN))[0]
    guest = _family(demo, event, inviter, GUEST)
    student_name = next(
        g.name for g in demo.graduation.details(event.id).graduates if g.membership_id == inviter
    )
    assert guest.guest_of == student_name
    # Each student's guests come first, then officials and partners.
    assert [g.name for g in demo.graduation.details(event.id).guests] == [GUEST, "Dr Amara Okonjo"]
    # The guest list for the gate has them too.
    gate = demo.documents.guest_list(event.id)
    assert {g.name for g in gate.guests} == {GUEST, "Dr Amara Okonjo"}


def test_clearance_goes_submitted_then_cleared_or_refused_with_dates_that_have_come(
    demo: Workspace, demo_dir: Path
) -> None:
    event = _autumn_event(demo)
    inviter = _students(demo, _cohort(demo, AUTUMN))[0]
    guest = _family(demo, event, inviter, GUEST)
    today = date(2026, 11, 12)
    graduation = demo.graduation
    with pytest.raises(ValidationError, match="has not been submitted for clearance yet"):
        graduation.clear(guest.id, on=date(2026, 11, 10), today=today)
    with pytest.raises(ValidationError, match="has not been submitted for clearance yet"):
        graduation.refuse(guest.id, on=date(2026, 11, 10), today=today)
    with pytest.raises(ValidationError, match="has not come yet"):
        graduation.submit(guest.id, on=date(2026, 11, 13), today=today)
    submitted = graduation.submit(guest.id, on=date(2026, 11, 5), today=today)
    assert (submitted.clearance, submitted.submitted_on) == (
        ClearanceStatus.SUBMITTED,
        date(2026, 11, 5),
    )
    with pytest.raises(ConflictError, match="already submitted"):
        graduation.submit(guest.id, on=date(2026, 11, 6), today=today)
    with pytest.raises(ValidationError, match="cannot have decided before that"):
        graduation.clear(guest.id, on=date(2026, 11, 4), today=today)
    with pytest.raises(ValidationError, match="has not come yet"):
        graduation.clear(guest.id, on=date(2026, 11, 20), today=today)
    cleared = graduation.clear(guest.id, on=date(2026, 11, 11), today=today)
    assert (cleared.clearance, cleared.decided_on) == (ClearanceStatus.CLEARED, date(2026, 11, 11))
    assert cleared.describe_clearance() == "Cleared 11 Nov 2026"
    refused = graduation.refuse(guest.id, on=date(2026, 11, 12), today=today)
    assert refused.clearance is ClearanceStatus.REFUSED
    reset = graduation.reset_clearance(guest.id)
    assert (reset.clearance, reset.submitted_on, reset.decided_on) == (
        ClearanceStatus.NOT_SUBMITTED,
        None,
        None,
    )

    # Every step is audited, without the guest's name.
    audit = demo.audit.entries(action="graduation.guest")
    assert [e.action for e in audit] == [
        "graduation.guest_clearance",
        "graduation.guest_clearance",
        "graduation.guest_clearance",
        "graduation.guest_clearance",
        "graduation.guest_added",
    ]
    assert [e.details["clearance"] for e in audit[:4]] == [
        "not_submitted",
        "refused",
        "cleared",
        "submitted",
    ]
    assert all(e.subject_id == str(guest.id) for e in audit)
    assert GUEST not in str([e.details for e in audit])
    demo.close()
    # The guest's name is nowhere on disk in the clear.
    assert plaintext_hits(demo_dir, [GUEST]) == []


def test_deadline_warnings_follow_the_date(demo: Workspace) -> None:
    event = _autumn_event(demo)
    inviter, other = _students(demo, _cohort(demo, AUTUMN))[:2]
    graduation = demo.graduation
    waiting = _family(demo, event, inviter, "Nell Waiting")
    submitted = _family(demo, event, other, "Sol Submitted")
    cleared = _family(demo, event, other, "Cleo Cleared")
    refused = graduation.add_guest(event.id, name="Rufus Refused", category=GuestCategory.PARTNER)
    early = date(2026, 11, 8)
    graduation.submit(submitted.id, on=early, today=early)
    graduation.submit(cleared.id, on=early, today=early)
    graduation.clear(cleared.id, on=early, today=early)
    graduation.submit(refused.id, on=early, today=early)
    graduation.refuse(refused.id, on=early, today=early)

    # Three weeks before the deadline nothing is late, and nothing is pointed out yet.
    calm = graduation.warnings(event.id, today=date(2026, 10, 30))
    assert not calm.late and not calm.due and not calm.needs_attention

    # In the week before the deadline, the guest not yet submitted is pointed out.
    close = graduation.warnings(event.id, today=date(2026, 11, 15))
    assert [g.name for g in close.due] == ["Nell Waiting"] and not close.late
    assert close.messages()[0] == (
        "1 guest is still to be submitted for clearance before the deadline on 20 Nov 2026 "
        "(in 5 days): Nell Waiting (not submitted)."
    )

    # After the deadline, both pending guests are late; the cleared and refused are not.
    late = graduation.warnings(event.id, today=date(2026, 11, 21))
    assert {(g.name, g.clearance) for g in late.late} == {
        ("Nell Waiting", ClearanceStatus.NOT_SUBMITTED),
        ("Sol Submitted", ClearanceStatus.SUBMITTED),
    }
    assert late.messages()[0].startswith(
        "2 guests are late for clearance (the deadline was 20 Nov 2026): "
    )
    assert "Sol Submitted (awaiting a decision)" in late.messages()[0]

    # Clearing the late one takes it off the list.
    graduation.submit(waiting.id, on=date(2026, 11, 21), today=date(2026, 11, 21))
    graduation.clear(waiting.id, on=date(2026, 11, 22), today=date(2026, 11, 22))
    graduation.clear(submitted.id, on=date(2026, 11, 22), today=date(2026, 11, 22))
    assert not graduation.warnings(event.id, today=date(2026, 11, 23)).late

    # Once the day has passed, clearance is history, not a warning.
    pending = graduation.add_guest(event.id, name="Pat Pending", category=GuestCategory.OFFICIAL)
    assert [g.guest_id for g in graduation.warnings(event.id, today=HELD_ON).late] == [pending.id]
    assert not graduation.warnings(event.id, today=date(2026, 12, 11)).late


def test_the_count_against_capacity(demo: Workspace) -> None:
    autumn = _cohort(demo, AUTUMN)
    students = _students(demo, autumn)
    event = _autumn_event(demo, capacity=len(students) + 2)
    graduation = demo.graduation
    count = graduation.warnings(event.id, today=date(2026, 11, 1)).count
    assert (count.students, count.guests, count.officials) == (len(students), 0, 0)
    assert count.describe() == (
        f"{len(students)} of {len(students) + 2} places: {len(students)} students graduating, "
        "0 guests of students, 0 officials and partners."
    )
    _family(demo, event, students[0], "Gus Guest")
    _family(demo, event, students[1], "Gwen Guest")
    official = graduation.add_guest(event.id, name="Olu Official", category=GuestCategory.OFFICIAL)
    warnings = graduation.warnings(event.id, today=date(2026, 11, 1))
    assert warnings.count.total == len(students) + 3 and warnings.count.over == 1
    assert warnings.needs_attention
    assert warnings.messages()[-1] == (
        f"Over capacity: {len(students) + 3} people for {len(students) + 2} places "
        f"(1 too many): {len(students)} students graduating, 2 guests of students, "
        "1 official or partner."
    )
    # A refused guest will not be admitted, so is not counted.
    graduation.submit(official.id, on=date(2026, 11, 1), today=date(2026, 11, 1))
    graduation.refuse(official.id, on=date(2026, 11, 1), today=date(2026, 11, 1))
    count = graduation.warnings(event.id, today=date(2026, 11, 1)).count
    assert (count.officials, count.over) == (0, 0)


def test_who_attended_is_recorded_on_the_day_students_in_the_register(
    demo: Workspace,
) -> None:
    (event,) = demo.graduation.list_events()
    details = demo.graduation.details(event.id)
    student = details.graduates[0]
    guest = next(g for g in details.guests if g.clearance is ClearanceStatus.CLEARED)
    assert guest.attended is True  # the demo's cleared guests all came
    after = demo.graduation.record_attendance(
        event.id, guests={guest.id: False}, students={student.membership_id: False}
    )
    assert next(g for g in after.guests if g.id == guest.id).attended is False
    assert next(g for g in after.graduates if g.person_id == student.person_id).attended is False
    with demo.store.read() as session:
        register = session.scalars(
            select(ClassSession).where(
                ClassSession.cohort_id == student.cohort_id,
                ClassSession.kind == SessionKind.GRADUATION,
            )
        ).one()
        mark = session.scalars(
            select(AttendanceMark).where(
                AttendanceMark.session_id == register.id,
                AttendanceMark.person_id == student.person_id,
            )
        ).one()
        assert mark.status is AttendanceStatus.ABSENT
    assert demo.audit.entries(action="graduation.attendance")[0].details == {
        "guests": 1,
        "students": 1,
    }

    # A guest who was not cleared cannot have been admitted; a future event waits its day.
    pending = demo.graduation.add_guest(
        event.id, name="Una Cleared", category=GuestCategory.PARTNER
    )
    with pytest.raises(ValidationError, match="was not cleared to attend"):
        demo.graduation.record_attendance(event.id, guests={pending.id: True})
    future = _autumn_event(demo)
    with pytest.raises(ValidationError, match="record who attended on the day or after it"):
        demo.graduation.record_attendance(future.id, guests={}, today=date(2026, 12, 9))


def test_a_cohort_without_a_graduation_session_gets_one_in_its_register(
    demo: Workspace,
) -> None:
    autumn = _cohort(demo, AUTUMN)
    for session in demo.programme.list_sessions(autumn.id):
        if session.kind is SessionKind.GRADUATION:
            with demo.store.write() as db:
                db.get(ClassSession, session.id).kind = SessionKind.LECTURE_AND_DISCUSSION  # type: ignore[union-attr]
    event = _autumn_event(demo)
    weeks = max(s.week for s in demo.programme.list_sessions(autumn.id))
    student = _students(demo, autumn)[0]
    demo.graduation.record_attendance(event.id, students={student: True}, today=HELD_ON)
    added = [s for s in demo.programme.list_sessions(autumn.id) if s.kind is SessionKind.GRADUATION]
    assert [(s.week, s.held_on) for s in added] == [(weeks + 1, HELD_ON)]
    line = next(
        g for g in demo.graduation.details(event.id).graduates if g.membership_id == student
    )
    assert line.attended is True


def test_certificates_are_recorded_against_each_student_and_never_issued_twice(
    demo: Workspace,
) -> None:
    autumn = _cohort(demo, AUTUMN)
    students = _students(demo, autumn)
    finished, early, rest = students[:3], students[3], students[4:]
    for membership_id in finished + [early]:
        demo.memberships.change_status(
            membership_id, MembershipStatus.COMPLETED, on=date(2026, 11, 25)
        )
    # One certificate was printed before the graduation was arranged.
    printed = demo.documents.issue_certificates(autumn.id, issued_on=date(2026, 11, 25))
    assert len(printed.newly_issued) == 4
    early_serial = {c.student_name: c.serial for c in printed.certificates}
    event = _autumn_event(demo)
    with demo.store.read() as session:
        assert all(
            c.event_id is None
            for c in session.scalars(
                select(Certificate).where(Certificate.membership_id.in_(finished + [early]))
            )
        )
    more = rest[:2]
    for membership_id in more:
        demo.memberships.change_status(
            membership_id, MembershipStatus.GRADUATED, on=date(2026, 11, 25)
        )

    issued = demo.graduation.issue_certificates(event.id)
    assert issued.newly_issued == 2 and len(issued.certificates) == 6
    assert issued.describe() == (
        "6 certificates: 2 newly issued, 4 already issued (they keep their serial numbers)."
    )
    for certificate in issued.certificates:
        if certificate.student_name in early_serial:
            assert certificate.serial == early_serial[certificate.student_name]
        else:
            assert certificate.issued_on == HELD_ON  # awarded on the day
    with demo.store.read() as session:
        rows = list(
            session.scalars(
                select(Certificate).where(Certificate.membership_id.in_(finished + [early] + more))
            )
        )
        assert len(rows) == 6 and all(r.event_id == event.id for r in rows)
    graduates = {g.membership_id: g for g in demo.graduation.details(event.id).graduates}
    assert all(graduates[m].certificate_event_id == event.id for m in finished + more)
    assert not graduates[rest[2]].certificate_serial  # still on the course: none yet

    again = demo.graduation.issue_certificates(event.id)
    assert again.newly_issued == 0
    assert sorted(c.serial for c in again.certificates) == sorted(
        c.serial for c in issued.certificates
    )
    audit = demo.audit.entries(action="graduation.certificates_issued")
    assert [(e.details["issued"], e.details["kept"]) for e in audit] == [(0, 6), (2, 4)]
    assert all(e.subject_id == str(event.id) for e in audit)


def test_certificates_need_a_student_who_completed(demo: Workspace) -> None:
    event = _autumn_event(demo)
    before = demo.stats.counts()["certificates"]
    with pytest.raises(ValidationError, match="has completed the course yet"):
        demo.graduation.issue_certificates(event.id)
    assert demo.stats.counts()["certificates"] == before
