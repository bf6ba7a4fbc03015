"""Reflective essays and double-blind marking, through the services."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import MarkPosition, MembershipRole, PersonBase
from tests.helpers.stores import USER_PASSWORD, add_account

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def _autumn(workspace: Workspace):  # noqa: ANN202
    return next(c for c in workspace.programme.list_cohorts() if "September" in c.name)


@pytest.fixture
def marked_cohort(demo: Workspace, demo_dir: Path) -> tuple[Path, list[str]]:
    """The autumn cohort with every essay in, and two more marker accounts."""
    cohort = _autumn(demo)
    for membership_id, _ in demo.essays.students_without_essay(cohort.id):
        demo.essays.record_essay(
            membership_id, title="Learning across walls", text="What I learned this term. " * 60
        )
    add_account(demo, "marker2", Role.MARKER)
    add_account(demo, "marker3", Role.MARKER)
    demo.close()  # each test signs in as whoever it needs
    return demo_dir, ["marker", "marker2", "marker3"]


def test_candidate_numbers_carry_no_identity(demo: Workspace) -> None:
    cohort = _autumn(demo)
    rows = demo.essays.list_essays(cohort.id)
    numbers = [r.candidate_number for r in rows]
    assert len(set(numbers)) == len(numbers)
    for row in rows:
        name = row.student_name.replace(" ", "").upper()
        assert row.candidate_number[1:] not in name
        assert row.candidate_number.startswith("C") and len(row.candidate_number) == 8
    # Not in the order students were enrolled or named.
    by_name = [r.candidate_number for r in sorted(rows, key=lambda r: r.student_name)]
    assert by_name != sorted(by_name) or len(rows) < 3


def test_word_count_and_scans(demo: Workspace) -> None:
    cohort = _autumn(demo)
    membership_id, _ = demo.essays.students_without_essay(cohort.id)[0]
    row = demo.essays.record_essay(membership_id, title="T", text="One two three, four’s five.")
    assert row.word_count == 5
    scan = demo.essays.attach_scan(row.id, "page-1.png", PNG)
    assert scan.media_type == "image/png"
    assert demo.essays.scan_data(scan.id) == PNG
    with pytest.raises(ValidationError, match="PNG or JPEG picture, or a PDF"):
        demo.essays.attach_scan(row.id, "notes.docx", b"PK\x03\x04 not a scan")


def test_allocation_spreads_the_load_and_never_doubles_up(workspace: Workspace) -> None:
    from datetime import date

    partnership = workspace.programme.add_partnership(
        name="P", prison_name="HMP P", university_name="U"
    )
    course = workspace.programme.add_course(partnership_id=partnership.id, title="Course")
    cohort = workspace.programme.add_cohort(
        course_id=course.id,
        name="Spring 2027",
        starts_on=date(2027, 1, 4),
        ends_on=date(2027, 3, 8),
    )
    for n in range(10):
        person = workspace.people.add_person(
            given_name=f"Student{n}",
            family_name="Test",
            base=PersonBase.PRISON if n % 2 else PersonBase.UNIVERSITY,
        )
        member = workspace.memberships.enrol(cohort.id, person.id)
        workspace.essays.record_essay(member.id, title="T", text="words " * 30)
    for name in ("ann", "bob", "cat"):
        add_account(workspace, name, Role.MARKER)
    markers = [m[0] for m in workspace.essays.markers()]
    allocation = workspace.essays.allocate_markers(cohort.id, markers)
    assert allocation.allocated == 20 and allocation.not_allocated == []
    assert sorted(allocation.per_marker.values()) == [6, 7, 7]
    for essay in workspace.essays.list_essays(cohort.id):
        first, second = essay.marks[MarkPosition.FIRST], essay.marks[MarkPosition.SECOND]
        assert first.marker_id and second.marker_id and first.marker_id != second.marker_id
    again = workspace.essays.allocate_markers(cohort.id, markers)  # nothing left to give
    assert again.allocated == 0
    with pytest.raises(ValidationError, match="at least two markers"):
        workspace.essays.allocate_markers(cohort.id, markers[:1])


def test_a_marker_sees_candidate_numbers_only(marked_cohort: tuple[Path, list[str]]) -> None:
    folder, _ = marked_cohort
    with sign_in(folder, "demo", "demo") as admin:
        cohort = _autumn(admin)
        admin.essays.allocate_markers(cohort.id, [m[0] for m in admin.essays.markers()])
        rows = admin.essays.list_essays(cohort.id)
        names = {r.student_name for r in rows}
        people = {p.display_name for p in admin.people.list_people()}
        bases = {b.value for b in PersonBase}
    with sign_in(folder, "marker", "demo") as marker:
        tasks = marker.marking.tasks()
        assert tasks
        opened = [marker.marking.open_essay(t.candidate_number) for t in tasks]
        everything = json.dumps(
            [asdict(t) for t in tasks] + [asdict(e) for e in opened], default=str
        )
        for name in names | people:
            for part in name.split():
                if len(part) > 3:
                    assert part not in everything, part
        for base in bases:
            assert f'"{base}"' not in everything
        for forbidden in (
            lambda: marker.people.list_people(),
            lambda: marker.essays.list_essays(cohort.id),
            lambda: marker.memberships.list_members(cohort.id),
        ):
            with pytest.raises(PermissionDenied):
                forbidden()
        mine = {t.candidate_number for t in tasks}
        someone_elses = next(r.candidate_number for r in rows if r.candidate_number not in mine)
        with pytest.raises(PermissionDenied, match="not on your marking list"):
            marker.marking.open_essay(someone_elses)
        with pytest.raises(PermissionDenied):
            marker.marking.open_essay("CZZZZZZZ")


def test_scans_reach_markers_under_the_candidate_number(
    marked_cohort: tuple[Path, list[str]],
) -> None:
    """Staff may name a scan after its writer; markers never see that name."""
    folder, _ = marked_cohort
    with sign_in(folder, "demo", "demo") as admin:
        cohort = _autumn(admin)
        admin.essays.allocate_markers(cohort.id, [m[0] for m in admin.essays.markers()])
        marker_id = next(m[0] for m in admin.essays.markers() if m[1] == "Demo marker")
        pack_before = admin.essays.marking_pack(cohort.id, marker_id)
        essay = pack_before.essays[0]
        row = next(
            r
            for r in admin.essays.list_essays(cohort.id)
            if r.candidate_number == essay.candidate_number
        )
        admin.essays.attach_scan(row.id, "smith-essay-page1.png", PNG)
        admin.essays.attach_scan(row.id, "smith-essay.pdf", b"%PDF-1.4 scan")
        assert [s.filename for s in admin.essays.scans(row.id)] == [
            "smith-essay-page1.png",
            "smith-essay.pdf",
        ]
        pack = admin.essays.marking_pack(cohort.id, marker_id)
    packed = next(e for e in pack.essays if e.candidate_number == essay.candidate_number)
    number = essay.candidate_number
    assert [s.filename for s in packed.scans] == [f"{number}-scan-1.png", f"{number}-scan-2.pdf"]
    with sign_in(folder, "marker", "demo") as marker:
        opened = marker.marking.open_essay(number)
    assert [s.filename for s in opened.scans] == [f"{number}-scan-1.png", f"{number}-scan-2.pdf"]


def test_the_other_mark_stays_hidden_until_the_mark_is_agreed(
    marked_cohort: tuple[Path, list[str]],
) -> None:
    folder, _ = marked_cohort
    with sign_in(folder, "demo", "demo") as admin:
        cohort = _autumn(admin)
        markers = admin.essays.markers()
        admin.essays.allocate_markers(cohort.id, [markers[0][0], markers[1][0]])
        by_name = {
            "Demo marker": ("marker", "demo"),
            "Marker2": ("marker2", USER_PASSWORD),
            "Marker3": ("marker3", USER_PASSWORD),
        }
        # An essay the fixture handed in, so both its markers are accounts here.
        essay = next(
            e
            for e in admin.essays.list_essays(cohort.id)
            if all(
                e.marks[p].marker_name in by_name and e.marks[p].score is None
                for p in (MarkPosition.FIRST, MarkPosition.SECOND)
                if p in e.marks
            )
            and MarkPosition.SECOND in e.marks
            and MarkPosition.FIRST in e.marks
        )
        first = essay.marks[MarkPosition.FIRST].marker_name
        second = essay.marks[MarkPosition.SECOND].marker_name
    number = essay.candidate_number
    with sign_in(folder, *by_name[first]) as one:
        shown = one.marking.submit_mark(number, 62, "Clear and thoughtful.")
        assert shown.my_score == 62 and shown.other_score is None
    with sign_in(folder, *by_name[second]) as two:
        before = two.marking.open_essay(number)
        assert before.other_score is None and before.my_score is None
        after = two.marking.submit_mark(number, 80, "Excellent.")
        # Both marks are in, but either marker may still correct theirs, so neither
        # may see the other's until the coordinator agrees the mark.
        assert after.my_score == 80 and after.other_score is None
    with sign_in(folder, "demo", "demo") as admin:
        row = next(r for r in admin.essays.list_essays(cohort.id) if r.candidate_number == number)
        assert row.moderation_needed  # 18 apart, above the threshold of 10
        assert row.status == "For moderation"
        agreed = admin.essays.enter_mark(number, MarkPosition.AGREED, 71, "Agreed at moderation.")
        assert not agreed.moderation_needed and agreed.status == "Agreed 71"
        with pytest.raises(ValidationError, match="locked"):
            admin.essays.enter_mark(number, MarkPosition.AGREED, 73)
        admin.essays.enter_mark(number, MarkPosition.AGREED, 73, reason="Arithmetic slip")
        changes = admin.audit.entries(action="mark.changed")
        assert changes[0].details["reason"] == "Arithmetic slip"
        assert admin.essays.reveal_identities(cohort.id) == 1
    with sign_in(folder, *by_name[second]) as two:
        assert two.marking.open_essay(number).other_score == 62


def test_marks_close_together_need_no_moderation(marked_cohort: tuple[Path, list[str]]) -> None:
    folder, _ = marked_cohort
    with sign_in(folder, "demo", "demo") as admin:
        cohort = _autumn(admin)
        number = admin.essays.list_essays(cohort.id)[0].candidate_number
        admin.essays.enter_mark(number, MarkPosition.FIRST, 60)
        row = admin.essays.enter_mark(number, MarkPosition.SECOND, 66)
        assert not row.moderation_needed


def test_a_marker_never_marks_their_own_groups_students(demo: Workspace) -> None:
    cohort = _autumn(demo)
    members = demo.memberships.list_members(cohort.id)
    facilitator = next(m for m in members if m.role is MembershipRole.FACILITATOR)
    demo.accounts.add_account(
        "facmarker",
        display_name="Facilitator who marks",
        role=Role.MARKER,
        password=USER_PASSWORD,
        person_id=facilitator.person_id,
    )
    add_account(demo, "othermarker", Role.MARKER)
    add_account(demo, "thirdmarker", Role.MARKER)
    for membership_id, _ in demo.essays.students_without_essay(cohort.id):
        demo.essays.record_essay(membership_id, title="T", text="words " * 40)
    ids = [m[0] for m in demo.essays.markers() if m[1] != "Demo marker"]
    demo.essays.allocate_markers(cohort.id, ids, avoid_own_groups=True)
    own_group = {m.id for m in members if m.group_id == facilitator.group_id}
    for essay in demo.essays.list_essays(cohort.id):
        if essay.membership_id in own_group:
            assert all(m.marker_name != "Facilitator who marks" for m in essay.marks.values()), (
                essay.candidate_number
            )


_LOGINS = {
    "Demo marker": ("marker", "demo"),
    "Marker2": ("marker2", USER_PASSWORD),
    "Marker3": ("marker3", USER_PASSWORD),
}


def _unmarked_essay_of_two_markers(folder: Path) -> tuple[str, tuple[str, str], tuple[str, str]]:
    """Allocate markers, then an essay whose first and second markers can both sign in
    here and have not marked it: its number, then the two markers' sign-ins."""
    with sign_in(folder, "demo", "demo") as admin:
        cohort = _autumn(admin)
        markers = admin.essays.markers()
        admin.essays.allocate_markers(cohort.id, [markers[0][0], markers[1][0]])
        essay = next(
            e
            for e in admin.essays.list_essays(cohort.id)
            if all(
                p in e.marks and e.marks[p].marker_name in _LOGINS and e.marks[p].score is None
                for p in (MarkPosition.FIRST, MarkPosition.SECOND)
            )
        )
    return (
        essay.candidate_number,
        _LOGINS[essay.marks[MarkPosition.FIRST].marker_name],
        _LOGINS[essay.marks[MarkPosition.SECOND].marker_name],
    )


def test_a_missing_mark_is_refused_and_nothing_is_saved(
    marked_cohort: tuple[Path, list[str]],
) -> None:
    """An empty mark is no mark: it must never be kept as 0 out of 100."""
    folder, _ = marked_cohort
    number, first, _ = _unmarked_essay_of_two_markers(folder)
    with sign_in(folder, *first) as marker:
        with pytest.raises(ValidationError, match="Give your mark"):
            marker.marking.submit_mark(number, None, "Feedback without a mark.")
        opened = marker.marking.open_essay(number)
        assert opened.my_score is None and opened.my_feedback == ""
    with sign_in(folder, "demo", "demo") as admin:
        assert not [e for e in admin.audit.entries() if e.action.startswith("mark.")]
        with pytest.raises(ValidationError, match="Give the mark"):
            admin.essays.enter_mark(number, MarkPosition.FIRST, None)
        row = next(
            r for r in admin.essays.list_essays(_autumn(admin).id) if r.candidate_number == number
        )
        assert row.marks[MarkPosition.FIRST].score is None


def test_a_marker_corrects_their_own_mark_until_the_mark_is_agreed(
    marked_cohort: tuple[Path, list[str]],
) -> None:
    folder, _ = marked_cohort
    number, first, second = _unmarked_essay_of_two_markers(folder)
    with sign_in(folder, *first) as one:
        one.marking.submit_mark(number, 62, "Clear and thoughtful.")
    with sign_in(folder, *second) as two:
        two.marking.submit_mark(number, 80, "Excellent.")
    with sign_in(folder, *first) as one:
        corrected = one.marking.submit_mark(number, 65, "Clear, thoughtful, well read.")
        assert (corrected.my_score, corrected.my_feedback) == (65, "Clear, thoughtful, well read.")
        assert corrected.other_score is None and not corrected.locked
    with sign_in(folder, "demo", "demo") as admin:
        row = next(
            r for r in admin.essays.list_essays(_autumn(admin).id) if r.candidate_number == number
        )
        assert row.marks[MarkPosition.FIRST].score == 65
        assert row.moderation_needed  # 15 apart now
        assert admin.audit.entries(action="mark.changed")
        admin.essays.enter_mark(number, MarkPosition.AGREED, 72, "Agreed at moderation.")
    with sign_in(folder, *first) as one:
        with pytest.raises(ValidationError, match="agreed"):
            one.marking.submit_mark(number, 70, "Too late.")
        after = one.marking.open_essay(number)
        assert after.locked and after.my_score == 65 and after.agreed_score == 72
        assert after.other_score == 80  # shown once the mark is agreed
