"""Classroom laptops, through real stores and real bundles: the demo prison's education
PC sets up a laptop for its running cohort from a kit on a stick; the laptop holds, and
is sent, the register of that cohort and nothing else; a facilitator carries registers
both ways; a lost laptop is revoked; a mark changed at both is a conflict in words."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from lt_desktop.core.services.laptops import (
    read_kit,
    registers_file,
    set_up_laptop,
    updates_file,
)
from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from lt_desktop.domain.roles import Permission, Role
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    ConsentScope,
    MarkReason,
    MembershipRole,
    PersonBase,
)
from lt_desktop.storage import models as m
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.sync.bundle import open_bundle, write_bundle
from lt_desktop.sync.laptop_kit import KitRefused, open_kit
from lt_desktop.sync.laptops import TO_LAPTOP
from lt_desktop.sync.pairing import _known_sender, identity
from lt_desktop.sync.person_merges import survivor_of
from lt_desktop.sync.records import Incoming, PayloadInvalid, decode_lines, encode, synced_models
from tests.helpers.stores import copy_store

PASSWORD = "demo"
LAPTOP_USER, LAPTOP_PASSWORD = "amina", "laptop password 1"
LAPTOP = "Classroom laptop 1"


@dataclass(frozen=True)
class Classroom:
    pc: Path
    laptop: Path
    stick: Path
    passphrase: str
    cohort: uuid.UUID  # the laptop's: the running cohort
    other_cohort: uuid.UUID  # the finished one, which stays at the PC


@contextmanager
def at(folder: Path, user: str = "demo", password: str = PASSWORD) -> Iterator[Workspace]:
    with sign_in(folder, user, password) as workspace:
        yield workspace


def on_laptop(classroom: Classroom) -> Workspace:
    return sign_in(classroom.laptop, LAPTOP_USER, LAPTOP_PASSWORD)


@pytest.fixture(scope="module")
def _classroom(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Classroom:
    root = tmp_path_factory.mktemp("classroom")
    copy_store(_demo_template, root / "pc")
    stick = root / "stick"
    stick.mkdir()
    with at(root / "pc", "staff") as workspace:
        cohorts = sorted(workspace.programme.list_cohorts(), key=lambda c: c.starts_on)
        finished, running = cohorts[0], cohorts[-1]
        made = workspace.laptops.create(LAPTOP, [running.id], stick)
    assert made.kit.parent == stick and made.kit.exists()
    set_up_laptop(
        root / "laptop",
        read_kit(made.kit, made.passphrase),
        username=LAPTOP_USER,
        display_name="Amina Yusuf",
        password=LAPTOP_PASSWORD,
    )
    return Classroom(root / "pc", root / "laptop", stick, made.passphrase, running.id, finished.id)


@pytest.fixture
def classroom(_classroom: Classroom, tmp_path: Path) -> Classroom:
    ignore = shutil.ignore_patterns("store.lock", "logs")
    copies = {}
    for name in ("pc", "laptop", "stick"):
        copies[name] = tmp_path / name
        shutil.copytree(getattr(_classroom, name), copies[name], ignore=ignore)
    return Classroom(
        copies["pc"],
        copies["laptop"],
        copies["stick"],
        _classroom.passphrase,
        _classroom.cohort,
        _classroom.other_cohort,
    )


# -- what must never reach the laptop ---------------------------------------------------


def _snippet(value: str) -> str:
    return value.strip()[:40]


def _never_on_laptop(classroom: Classroom) -> set[str]:
    """Read at the PC: every phrase the laptop must not hold, nor be sent."""
    phrases: set[str] = set()
    with at(classroom.pc) as workspace, workspace.store.read() as session:
        in_scope = set(
            session.scalars(
                select(m.Membership.person_id).where(m.Membership.cohort_id == classroom.cohort)
            )
        ) | set(
            session.scalars(
                select(m.ClassSession.lecturer_id).where(
                    m.ClassSession.cohort_id == classroom.cohort
                )
            )
        )
        for person in session.scalars(select(m.Person)):
            if person.id not in in_scope:
                phrases.add(f"{person.given_name} {person.family_name}")
            phrases.update({person.email, person.notes, person.research_id})
        # A wing or block a person lives on may also be where classes are held: only
        # the places no class is held in are searched for.
        classrooms = set(session.scalars(select(m.ClassSession.location)))
        for details in session.scalars(select(m.PrisonDetails)):
            phrases.update({details.prison_number, details.security_notes})
            if not any(details.location in room for room in classrooms):
                phrases.add(details.location)
        for model, columns in {
            m.Essay: ("text", "title", "candidate_number"),
            m.EssayMark: ("feedback",),
            m.Membership: ("notes",),
            m.MembershipStatusChange: ("reason",),
            m.Consent: ("notes",),
            m.Story: ("text",),
            m.StoryAnswer: ("answer",),
            m.QuestionnaireAnswer: ("text",),
            m.Interview: ("notes",),
            m.Application: ("motivation_statement", "adjustments"),
            m.Certificate: ("serial",),
            m.GraduationGuest: ("name",),
        }.items():
            for row in session.execute(select(*(getattr(model, c) for c in columns))):
                phrases.update(v for v in row if isinstance(v, str))
        other_sessions = select(m.ClassSession.id).where(
            m.ClassSession.cohort_id != classroom.cohort
        )
        for note in session.scalars(
            select(m.AttendanceMark.note).where(m.AttendanceMark.session_id.in_(other_sessions))
        ):
            phrases.add(note)
    # The spring cohort's notes may say what the autumn's do ("Came late"): those the
    # laptop holds by right are not searched for.
    with at(classroom.pc) as workspace, workspace.store.read() as session:
        allowed = set(
            session.scalars(
                select(m.AttendanceMark.note).where(
                    m.AttendanceMark.session_id.in_(
                        select(m.ClassSession.id).where(
                            m.ClassSession.cohort_id == classroom.cohort
                        )
                    )
                )
            )
        )
    return {_snippet(p) for p in phrases - allowed if len(p.strip()) >= 6}


def _everything_held(folder: Path, user: str, password: str) -> str:
    """Every value of every row of every table in a store, decrypted, as text."""
    values: list[str] = []
    with at(folder, user, password) as workspace, workspace.store.read() as session:
        tables = session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
        for table in list(tables):
            for row in session.execute(text(f'SELECT * FROM "{table}"')):
                values.extend(
                    v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                    for v in row
                    if v is not None
                )
    return "\n".join(values)


def _lines_of(bundle: Path, classroom: Classroom) -> list[Incoming]:
    with on_laptop(classroom) as workspace, workspace.store.read() as session:
        opened = open_bundle(
            bundle,
            me=identity(session, workspace.store),
            sender_keys=lambda site_id: _known_sender(session, site_id),
            max_plaintext_bytes=1 << 30,
        )
        return [line for line in decode_lines(opened.chunks()) if isinstance(line, Incoming)]


def _as_text(lines: list[Incoming]) -> str:
    return "\n".join(str(value) for line in lines for value in line.fields.values())


def test_the_laptop_holds_the_register_of_its_cohorts_and_nothing_else(
    classroom: Classroom,
) -> None:
    forbidden = _never_on_laptop(classroom)
    assert len(forbidden) > 200  # essays, stories, prison numbers, other people ...
    held = _everything_held(classroom.laptop, LAPTOP_USER, LAPTOP_PASSWORD)
    assert sorted(p for p in forbidden if p in held) == []
    with on_laptop(classroom) as workspace, workspace.store.read() as session:
        counts = {
            table: session.scalar(
                select(func.count()).select_from(model).execution_options(**{INCLUDE_DELETED: True})
            )
            for table, model in synced_models().items()
        }
        cohorts = set(session.scalars(select(m.Cohort.id)))
    # Everything a laptop may hold but merges of two records of one person and
    # erasures: the demo has made none.
    laptop_tables = {model.__tablename__ for model in TO_LAPTOP} - {"person_merges", "erasures"}
    assert {t for t, n in counts.items() if n} == laptop_tables
    assert cohorts == {classroom.cohort}
    with at(classroom.pc) as workspace, workspace.store.read() as session:
        marks_at_pc = session.scalar(
            select(func.count())
            .select_from(m.AttendanceMark)
            .join(m.ClassSession, m.ClassSession.id == m.AttendanceMark.session_id)
            .where(m.ClassSession.cohort_id == classroom.cohort)
            .execution_options(**{INCLUDE_DELETED: True})
        )
    assert marks_at_pc is not None
    assert counts["attendance"] == marks_at_pc > 100


def test_every_bundle_sent_to_the_laptop_carries_only_its_register(
    classroom: Classroom,
) -> None:
    forbidden = _never_on_laptop(classroom)
    kit = read_kit(next(classroom.stick.glob("*.ltkit")), classroom.passphrase)
    first = classroom.stick / "first.ltbundle"
    first.write_bytes(kit.first_bundle)
    # A week later: the laptop's registers go to the PC, which sends back what changed
    # there meanwhile, research data and essays among it.
    with at(classroom.pc) as workspace:
        with workspace.store.write() as session:
            story = session.scalars(select(m.Story)).first()
            assert story is not None
            story.text = "A new story that stays at the education department, always."
            essay = session.scalars(select(m.Essay)).first()
            assert essay is not None
            essay.text = "An essay typed in today, which never goes to a classroom laptop."
            details = session.scalars(select(m.PrisonDetails)).first()
            assert details is not None
            details.security_notes = "A security note written today, only for the prison."
            week_12 = session.scalar(
                select(m.ClassSession).where(
                    m.ClassSession.cohort_id == classroom.cohort, m.ClassSession.week == 12
                )
            )
            assert week_12 is not None
            week_12.location = "Education block, room 4"
    forbidden |= {
        "A new story that stays at the education department",
        "An essay typed in today, which never goes to a",
        "A security note written today, only for the p",
    }
    week_11 = _week(classroom.laptop, classroom.cohort, 11, LAPTOP_USER, LAPTOP_PASSWORD)
    with on_laptop(classroom) as workspace:
        workspace.register.mark_everyone_present(week_11)
        workspace.laptops.save_registers(classroom.stick)
    with at(classroom.pc, "facilitator") as workspace:
        taken = workspace.laptops.take_in_registers(classroom.stick)
    [update] = taken.written
    for bundle in (first, update.info.path):
        lines = _lines_of(bundle, classroom)
        assert {"class_sessions", "attendance"} <= {line.table for line in lines}
        assert {line.table for line in lines} <= {model.__tablename__ for model in TO_LAPTOP}
        carried = _as_text(lines) + bundle.read_bytes().decode("utf-8", "replace")
        assert sorted(p for p in forbidden if p in carried) == []
        people = [line.fields for line in lines if line.table == "people"]
        assert all(p["email"] == p["notes"] == p["research_id"] == "" for p in people)


# -- the kit ----------------------------------------------------------------------------


def test_a_kit_without_its_passphrase_is_useless(classroom: Classroom) -> None:
    kit = next(classroom.stick.glob("*.ltkit"))
    raw = kit.read_bytes()
    with at(classroom.pc) as workspace:
        names = [p.display_name for p in workspace.people.list_people()][:20]
    assert names and not [n for n in names if n.encode() in raw]
    wrong = "0000-0000-0000-0000-0000"
    with pytest.raises(KitRefused, match="passphrase does not open this kit"):
        read_kit(kit, wrong)
    # One byte changed anywhere, header or contents: it does not open either.
    for offset in (30, len(raw) // 2, len(raw) - 1):
        changed = bytearray(raw)
        changed[offset] ^= 0x01
        with pytest.raises(KitRefused):
            open_kit(bytes(changed), classroom.passphrase)
    with pytest.raises(KitRefused, match="not a classroom laptop kit"):
        open_kit(b"LT-DESKTOP-BUNDLE\n" + raw[20:], classroom.passphrase)
    with pytest.raises(KitRefused, match="20 letters and digits"):
        open_kit(raw, "K7QD-M2XH")


def test_the_passphrase_is_typed_loosely(classroom: Classroom) -> None:
    kit = next(classroom.stick.glob("*.ltkit"))
    loose = classroom.passphrase.replace("-", " ").lower().replace("0", "o")
    assert read_kit(kit, loose).laptop.name == LAPTOP


def test_setting_up_from_a_kit_with_the_wrong_passphrase_makes_nothing(
    classroom: Classroom, tmp_path: Path
) -> None:
    kit = next(classroom.stick.glob("*.ltkit"))
    with pytest.raises(KitRefused):
        set_up_laptop(
            tmp_path / "second",
            read_kit(kit, "ABCD-EFGH-JKMN-PQRS-TVWX"),
            username="x",
            display_name="x",
            password=LAPTOP_PASSWORD,
        )
    assert not StoreFolder(tmp_path / "second").has_store()
    assert kit.exists()


def test_the_laptop_is_paired_both_ways_and_listed_at_the_pc(classroom: Classroom) -> None:
    with at(classroom.pc, "staff") as workspace:
        [laptop] = workspace.laptops.laptops()
        with workspace.store.read() as session:
            cohort = session.get_one(m.Cohort, classroom.cohort)
    assert laptop.name == LAPTOP and laptop.active and laptop.cohorts == (cohort.name,)
    with on_laptop(classroom) as workspace:
        here = workspace.laptops.this_laptop()
    assert here is not None
    assert here.education_pc == "HMP Northfield" and here.cohorts == (cohort.name,)


# -- the weekly routine -----------------------------------------------------------------


def _week(folder: Path, cohort: uuid.UUID, week: int, user: str, password: str) -> uuid.UUID:
    with at(folder, user, password) as workspace, workspace.store.read() as session:
        found = session.scalar(
            select(m.ClassSession.id).where(
                m.ClassSession.cohort_id == cohort, m.ClassSession.week == week
            )
        )
    assert found is not None
    return found


def _marks(folder: Path, session_id: uuid.UUID, user: str = "demo", password: str = PASSWORD):
    with at(folder, user, password) as workspace:
        return {line.person_id: line.mark for line in workspace.register.register(session_id).lines}


def test_a_facilitator_carries_registers_both_ways_in_two_actions_a_side(
    classroom: Classroom,
) -> None:
    week_11 = _week(classroom.laptop, classroom.cohort, 11, LAPTOP_USER, LAPTOP_PASSWORD)
    # In class: the register on the laptop, then "Save registers to the stick".
    with on_laptop(classroom) as workspace:
        workspace.register.mark_everyone_present(week_11)
        saved = workspace.laptops.save_registers(classroom.stick)
    assert saved.info.path.name == registers_file(LAPTOP, saved.info.header.sender)
    # Meanwhile at the PC, staff move next week's session to another room.
    week_12 = _week(classroom.pc, classroom.cohort, 12, "staff", PASSWORD)
    with at(classroom.pc, "staff") as workspace, workspace.store.write() as session:
        session.get_one(m.ClassSession, week_12).location = "Education block, room 4"
    # At the PC, a facilitator: "Take in registers from a laptop".
    with at(classroom.pc, "facilitator") as workspace:
        taken = workspace.laptops.take_in_registers(classroom.stick)
    [result] = taken.taken_in
    assert result.summary.added["attendance"] == len(
        _marks(classroom.laptop, week_11, LAPTOP_USER, LAPTOP_PASSWORD)
    )
    assert not saved.info.path.exists()  # taken in: off the stick
    at_pc = _marks(classroom.pc, week_11)
    assert at_pc and all(mark == Mark(AttendanceStatus.PRESENT) for mark in at_pc.values())
    [written] = taken.written
    assert written.info.path.parent == classroom.stick
    assert "updated registers for Classroom laptop 1" in taken.describe()
    # Back on the laptop: "Take in updates from the stick", from the folder it remembers.
    with on_laptop(classroom) as workspace:
        [update] = workspace.laptops.take_in_updates()
        with workspace.store.read() as session:
            assert session.get_one(m.ClassSession, week_12).location == "Education block, room 4"
    assert update.summary.updated["class_sessions"] == 1
    assert not written.info.path.exists()
    # Nothing more is waiting on either side.
    with at(classroom.pc, "staff") as workspace:
        [laptop] = workspace.laptops.laptops()
    assert laptop.last_received_sequence == 1


def test_a_facilitator_may_carry_registers_and_nothing_more(classroom: Classroom) -> None:
    with at(classroom.pc, "facilitator") as workspace:
        with pytest.raises(PermissionDenied):
            workspace.sync.partners()
        with pytest.raises(PermissionDenied):
            workspace.laptops.create("Another", [classroom.cohort], classroom.stick)
        with pytest.raises(PermissionDenied):
            workspace.laptops.revoke(workspace.laptops.laptops()[0].site_id)
    with at(classroom.pc, "marker") as workspace, pytest.raises(PermissionDenied):
        workspace.laptops.take_in_registers(classroom.stick)


def test_on_a_laptop_only_the_register_may_be_changed(classroom: Classroom) -> None:
    """What the laptop never sends the PC cannot be entered there at all, whatever the
    account's role: it would stay on the laptop and be lost with it."""
    with on_laptop(classroom) as workspace:
        assert workspace.actor.role is Role.ADMINISTRATOR
        person = workspace.people.list_people()[0]
        refused = {
            "edit a person": lambda: workspace.people.update_person(
                person.id, given_name="Changed", family_name="Here", base=PersonBase.PRISON
            ),
            "record consent": lambda: workspace.consent.record(
                person.id, ConsentScope.STORIES, given_on=date(2026, 11, 2)
            ),
            "add a partnership": lambda: workspace.programme.add_partnership(
                name="Another", prison_name="HMP Northfield", university_name="Another"
            ),
            "pair with a site": lambda: workspace.sync.pair(b"", ""),
            "issue certificates": lambda: workspace.documents.issue_certificates(classroom.cohort),
            "set up a laptop": lambda: workspace.laptops.create(
                "Another", [classroom.cohort], classroom.stick
            ),
        }
        for what, attempt in refused.items():
            with pytest.raises(PermissionDenied, match="classroom laptop"):
                attempt()
                pytest.fail(f"a laptop let its administrator {what}")
        session = workspace.programme.list_sessions(classroom.cohort)[0]
        line = workspace.register.register(session.id).lines[0]
        workspace.register.set_marks(session.id, {line.person_id: Mark(AttendanceStatus.LATE)})
        assert workspace.laptops.this_laptop() is not None
    with at(classroom.pc) as workspace:
        assert workspace.actor.may(Permission.EDIT_PEOPLE), "the PC's accounts are not limited"


def test_the_pc_takes_in_only_a_laptops_bundles(classroom: Classroom) -> None:
    with (
        at(classroom.pc, "facilitator") as workspace,
        pytest.raises(NotFound, match="no registers from a classroom laptop"),
    ):
        workspace.laptops.take_in_registers(classroom.stick)
    with (
        at(classroom.pc, "staff") as workspace,
        pytest.raises(ValidationError, match="not a classroom laptop"),
    ):
        workspace.laptops.save_registers(classroom.stick)


def _forged(classroom: Classroom, records: list[m.SyncedRecord], target: Path) -> Path:
    """A bundle signed with the laptop's own keys, for the PC, holding ``records``."""
    with on_laptop(classroom) as workspace, workspace.store.read() as session:
        me = identity(session, workspace.store)
        [pc] = session.scalars(select(m.Partner)).all()
        recipient = _known_sender(session, pc.site_id)
    assert recipient is not None
    write_bundle(
        target,
        sender=me,
        recipient=recipient,
        sequence=1,
        kind="changes",
        meta={"ack": 0, "upto": 1, "snapshot": False},
        chunks=[b"".join(encode(r) for r in records)],
    )
    return target


def _counts(folder: Path) -> dict[str, int]:
    with at(folder) as workspace, workspace.store.read() as session:
        return {
            table: session.scalar(
                select(func.count()).select_from(model).execution_options(**{INCLUDE_DELETED: True})
            )
            or 0
            for table, model in synced_models().items()
        }


def test_a_laptop_bundle_holding_more_than_marks_is_refused_whole(classroom: Classroom) -> None:
    week_11 = _week(classroom.laptop, classroom.cohort, 11, LAPTOP_USER, LAPTOP_PASSWORD)
    with on_laptop(classroom) as workspace:
        workspace.register.mark_everyone_present(week_11)
        with workspace.store.read() as session:
            mark = session.scalars(
                select(m.AttendanceMark).where(m.AttendanceMark.session_id == week_11)
            ).first()
            person = session.scalars(select(m.Person)).first()
            assert mark is not None and person is not None
            session.expunge_all()
    person.notes = "Changed on a laptop"
    before = _counts(classroom.pc)
    bundle = _forged(classroom, [mark, person], classroom.stick / "forged.ltbundle")
    with at(classroom.pc, "facilitator") as workspace:
        taken = workspace.laptops.take_in_registers(classroom.stick)
    assert taken.taken_in == [] and taken.written == []
    [refusal] = taken.refused
    assert "holds people" in refusal and "nothing was imported" in refusal
    assert bundle.exists() and _counts(classroom.pc) == before


def test_a_laptop_mark_for_another_cohort_is_refused_whole(classroom: Classroom) -> None:
    other_week = _week(classroom.pc, classroom.other_cohort, 1, "demo", PASSWORD)
    with at(classroom.pc) as workspace, workspace.store.read() as session:
        mark = session.scalars(
            select(m.AttendanceMark).where(m.AttendanceMark.session_id == other_week)
        ).first()
        assert mark is not None
        session.expunge(mark)
    mark.id = uuid.uuid4()
    mark.status = AttendanceStatus.ABSENT
    before = _counts(classroom.pc)
    _forged(classroom, [mark], classroom.stick / "forged.ltbundle")
    with at(classroom.pc, "facilitator") as workspace:
        taken = workspace.laptops.take_in_registers(classroom.stick)
    [refusal] = taken.refused
    assert "outside the cohorts it was set up for" in refusal
    assert _counts(classroom.pc) == before
    with at(classroom.pc, "demo") as workspace, pytest.raises(PayloadInvalid):
        workspace.sync.import_bundle(classroom.stick / "forged.ltbundle")


def test_updates_for_another_laptop_are_not_taken_in(classroom: Classroom, tmp_path: Path) -> None:
    other_stick = tmp_path / "other-stick"
    other_stick.mkdir()
    with at(classroom.pc, "staff") as workspace:
        other = workspace.laptops.create("Classroom laptop 2", [classroom.cohort], other_stick)
    # The second laptop's first bundle, put on the first laptop's stick.
    kit = read_kit(other.kit, other.passphrase)
    misplaced = classroom.stick / updates_file("Classroom laptop 2", other.laptop.site_id)
    misplaced.write_bytes(kit.first_bundle)
    with on_laptop(classroom) as workspace, pytest.raises(NotFound, match="no updates for this"):
        workspace.laptops.take_in_updates(classroom.stick)
    with on_laptop(classroom) as workspace, pytest.raises(Exception, match="not addressed|another"):
        workspace.sync.import_bundle(misplaced)
    assert misplaced.exists()


# -- a lost laptop ----------------------------------------------------------------------


def test_a_revoked_laptops_registers_are_refused(classroom: Classroom) -> None:
    week_11 = _week(classroom.laptop, classroom.cohort, 11, LAPTOP_USER, LAPTOP_PASSWORD)
    with on_laptop(classroom) as workspace:
        workspace.register.mark_everyone_present(week_11)
        saved = workspace.laptops.save_registers(classroom.stick)
    before = _counts(classroom.pc)
    with at(classroom.pc, "staff") as workspace:
        revoked = workspace.laptops.revoke(workspace.laptops.find(LAPTOP).site_id)
        assert not revoked.active
        with pytest.raises(ValidationError, match="revoked"):
            workspace.sync.export(revoked.site_id, classroom.stick / "x.ltbundle")
    with at(classroom.pc, "facilitator") as workspace:
        taken = workspace.laptops.take_in_registers(classroom.stick)
    [refusal] = taken.refused
    assert f"{LAPTOP} was revoked on" in refusal and "nothing from it is taken in" in refusal
    assert taken.taken_in == [] and taken.written == []
    assert saved.info.path.exists() and _counts(classroom.pc) == before
    with at(classroom.pc) as workspace, pytest.raises(Exception, match="paired|unknown|trust"):
        workspace.sync.import_bundle(saved.info.path)
    assert _counts(classroom.pc) == before


# -- a mark changed at both -------------------------------------------------------------


def test_a_mark_changed_on_the_laptop_and_at_the_pc_is_a_conflict_in_words(
    classroom: Classroom,
) -> None:
    week_1 = _week(classroom.pc, classroom.cohort, 1, "demo", PASSWORD)
    marks = _marks(classroom.pc, week_1)
    person_id = next(p for p, mark in marks.items() if mark == Mark(AttendanceStatus.PRESENT))
    with on_laptop(classroom) as workspace:
        workspace.register.mark(
            week_1, person_id, Mark(AttendanceStatus.ABSENT, MarkReason.ILLNESS)
        )
        workspace.laptops.save_registers(classroom.stick)
    with at(classroom.pc, "staff") as workspace:
        workspace.register.mark(week_1, person_id, Mark(AttendanceStatus.LATE))
    with at(classroom.pc, "facilitator") as workspace:
        taken = workspace.laptops.take_in_registers(classroom.stick)
    [result] = taken.taken_in
    assert len(result.summary.conflicts) == 1
    assert "changed at both sites" in result.describe()
    with at(classroom.pc) as workspace:
        [conflict] = workspace.sync.conflicts()
        with workspace.store.read() as session:
            name = session.get_one(m.Person, person_id).display_name
    assert conflict.title.startswith(f"Register mark — {name}, ")
    assert {conflict.ours.site, conflict.theirs.site} == {"HMP Northfield", LAPTOP}
    words = {f.label: (f.ours, f.theirs) for f in conflict.fields}
    assert ("Late", "Absent") in words.values()
    # The silent overwrite it is not: each side's version is named, and one waits.
    assert conflict.waiting


def test_a_mark_taken_on_the_laptop_for_a_record_merged_at_the_pc_is_taken_in(
    classroom: Classroom,
) -> None:
    """The laptop marks a second record of one person; before its registers come back,
    the PC merges that record into the first. The mark is the kept record's."""
    with at(classroom.pc, "staff") as workspace:
        [first, *_] = [
            line
            for line in workspace.memberships.list_members(classroom.cohort)
            if line.role is MembershipRole.STUDENT
        ]
        kept = workspace.people.get_person(first.person_id)
        twin = workspace.people.add_person(
            given_name=kept.given_name, family_name=kept.family_name, base=kept.base
        )
        workspace.memberships.enrol(classroom.cohort, twin.id, role=MembershipRole.STUDENT)
    with on_laptop(classroom) as workspace:
        workspace.laptops.save_registers(classroom.stick)
    with at(classroom.pc, "staff") as workspace:
        taken = workspace.laptops.take_in_registers(classroom.stick)
    assert taken.written, "the twin goes to the laptop with the updated sessions"
    week_11 = _week(classroom.laptop, classroom.cohort, 11, LAPTOP_USER, LAPTOP_PASSWORD)
    with on_laptop(classroom) as workspace:
        workspace.laptops.take_in_updates()
        # The record that will not stand: its places move to the other at the merge.
        merged_away = max(first.person_id, twin.id, key=lambda person_id: person_id.hex)
        assert merged_away != survivor_of(first.person_id, twin.id)
        workspace.register.set_marks(week_11, {merged_away: Mark(AttendanceStatus.LATE)})
        workspace.laptops.save_registers(classroom.stick)
    with at(classroom.pc, "staff") as workspace:
        stands = workspace.people.merge_people(first.person_id, twin.id)
        workspace.laptops.take_in_registers(classroom.stick)
    # Whichever id stands (every site picks the same), it holds the laptop's mark.
    assert _marks(classroom.pc, week_11)[stands] == Mark(AttendanceStatus.LATE)
