"""The research export's end-of-course files: interviews and transcripts, sense-making
meetings, marked essays and questionnaire pairs, each only with the consent it needs."""

from __future__ import annotations

import csv
import hashlib
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import (
    AttachmentKind,
    ConsentScope,
    MarkPosition,
    MembershipRole,
    SessionKind,
)
from lt_desktop.storage.models import (
    Attachment,
    ClassSession,
    Cohort,
    Interview,
    Membership,
    Person,
)

NEEDED = {
    "interviews.csv": ConsentScope.INTERVIEW,
    "essays.csv": ConsentScope.ESSAY_RESEARCH,
    "questionnaire_pairs.csv": ConsentScope.QUESTIONNAIRES,
}


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _research_ids(admin: Workspace) -> dict[str, uuid.UUID]:
    with admin.store.read() as session:
        return {p.research_id: p.id for p in session.scalars(select(Person))}


def _allows(admin: Workspace, person_id: uuid.UUID, scope: ConsentScope) -> bool:
    states = {s.scope: s.active for s in admin.consent.states(person_id)}
    return states[scope] and states[ConsentScope.SHARE_WITH_UNIVERSITY]


def _export(folder: Path, out: Path, **options: object) -> dict[str, int]:
    out.mkdir(exist_ok=True)
    with sign_in(folder, "researcher", "demo") as researcher:
        return researcher.research.export(out, **options).files  # type: ignore[arg-type]


def test_each_file_holds_only_people_whose_consent_covers_it(
    demo_dir: Path, tmp_path: Path
) -> None:
    files = _export(demo_dir, tmp_path)
    assert files["interviews.csv"] >= 5 and files["essays.csv"] >= 5
    assert files["questionnaire_pairs.csv"] >= 20
    with sign_in(demo_dir, "demo", "demo") as admin:
        ids = _research_ids(admin)
        for name, scope in NEEDED.items():
            rows = _read(tmp_path / name)
            for row in rows:
                assert _allows(admin, ids[row["research_id"]], scope), (name, row)
        with admin.store.read() as session:
            interviewed = {
                p.research_id
                for p in session.scalars(
                    select(Person).join(Interview, Interview.person_id == Person.id)
                )
            }
        refused = [
            rid for rid in interviewed if not _allows(admin, ids[rid], ConsentScope.INTERVIEW)
        ]
    exported = {row["research_id"] for row in _read(tmp_path / "interviews.csv")}
    assert exported and exported <= interviewed
    assert not exported & set(refused)


def test_transcripts_go_out_as_text_and_a_withdrawal_takes_them_back(
    demo_dir: Path, tmp_path: Path
) -> None:
    audio = b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00" * 40
    with sign_in(demo_dir, "demo", "demo") as admin, admin.store.write() as session:
        with_transcript = session.scalars(
            select(Interview).join(Attachment, Attachment.interview_id == Interview.id)
        ).all()
        assert len(with_transcript) == 2
        first = with_transcript[0]
        session.add(
            Attachment(
                kind=AttachmentKind.OTHER,
                filename="recording.mp3",
                media_type="audio/mpeg",
                size=len(audio),
                sha256=hashlib.sha256(audio).hexdigest(),
                data=audio,
                interview_id=first.id,
            )
        )
        person_id = first.person_id
        research_id = session.get(Person, person_id).research_id  # type: ignore[union-attr]
    _export(demo_dir, tmp_path)
    rows = {row["research_id"]: row for row in _read(tmp_path / "interviews.csv")}
    row = rows[research_id]
    assert row["transcript_files"] == f"transcripts/{research_id}-1.txt"
    written = (tmp_path / row["transcript_files"]).read_text(encoding="utf-8")
    assert written.startswith("Interviewer: What did the course mean to you")
    assert "audio/mpeg" in row["files_not_exported"] and "not exported" in row["files_not_exported"]
    assert not list(tmp_path.rglob("*.mp3"))
    assert len(list((tmp_path / "transcripts").glob("*.txt"))) == 2
    with sign_in(demo_dir, "demo", "demo") as admin:
        admin.consent.withdraw(person_id, ConsentScope.INTERVIEW, on=date(2026, 11, 24))
    _export(demo_dir, tmp_path)  # into the same folder, over the last export
    assert research_id not in {row["research_id"] for row in _read(tmp_path / "interviews.csv")}
    assert not (tmp_path / row["transcript_files"]).exists()
    assert len(list((tmp_path / "transcripts").glob("*.txt"))) == 1


def test_sense_making_meetings_of_the_chosen_cohorts_name_no_one(
    demo_dir: Path, tmp_path: Path
) -> None:
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        cohorts = dict((label, cid) for cid, label in researcher.research.cohorts())
        spring = next(cid for label, cid in cohorts.items() if "January" in label)
        autumn = next(cid for label, cid in cohorts.items() if "September" in label)
        (tmp_path / "spring").mkdir()
        (tmp_path / "autumn").mkdir()
        researcher.research.export(tmp_path / "spring", cohort_ids=[spring])
        researcher.research.export(tmp_path / "autumn", cohort_ids=[autumn])
    (meeting,) = _read(tmp_path / "spring" / "sense_making.csv")
    assert "January" in meeting["cohort"] and meeting["meeting"] == "1"
    assert meeting["notes"].startswith("We put the weekly stories' themes on the wall")
    assert sum(int(v) for k, v in meeting.items() if k.startswith("attended_")) > 10
    assert not any("research" in column for column in meeting)
    assert _read(tmp_path / "autumn" / "sense_making.csv") == []
    stories = _read(tmp_path / "autumn" / "stories.csv")
    assert stories and all("September" in row["cohort"] for row in stories)


def _student_without_essay(admin: Workspace) -> tuple[uuid.UUID, uuid.UUID, str]:
    """A student of the running cohort with no essay yet, with consent to research use
    of their essay (given here if need be): membership id, person id, research id."""
    autumn = next(c for c in admin.programme.list_cohorts() if "September" in c.name)
    waiting = dict(admin.essays.students_without_essay(autumn.id))
    with admin.store.read() as session:
        membership = session.scalars(
            select(Membership).where(
                Membership.id.in_(waiting), Membership.role == MembershipRole.STUDENT
            )
        ).first()
        assert membership is not None
        person = membership.person
        found = (membership.id, person.id, person.research_id)
    for scope in (ConsentScope.ESSAY_RESEARCH, ConsentScope.SHARE_WITH_UNIVERSITY):
        if not {s.scope: s.active for s in admin.consent.states(found[1])}[scope]:
            admin.consent.record(found[1], scope, given_on=date(2026, 9, 1))
    return found


def test_an_essay_goes_out_only_once_its_mark_is_agreed(demo_dir: Path, tmp_path: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        membership_id, person_id, research_id = _student_without_essay(admin)
        essay = admin.essays.record_essay(
            membership_id,
            title="What the small group taught me",
            text="Week by week the group became a place to think aloud.",
            submitted_on=date(2026, 11, 20),
        )
        admin.essays.enter_mark(essay.candidate_number, MarkPosition.FIRST, 61)
        admin.essays.enter_mark(essay.candidate_number, MarkPosition.SECOND, 65)
    _export(demo_dir, tmp_path / "marked")
    assert research_id not in {r["research_id"] for r in _read(tmp_path / "marked/essays.csv")}
    with sign_in(demo_dir, "demo", "demo") as admin:
        admin.essays.enter_mark(essay.candidate_number, MarkPosition.AGREED, 63)
    _export(demo_dir, tmp_path / "agreed")
    rows = {r["research_id"]: r for r in _read(tmp_path / "agreed/essays.csv")}
    row = rows[research_id]
    assert row["agreed_mark"] == "63" and row["word_count"] == "11"
    assert row["submitted_on"] == "2026-11-20"
    assert row["essay"] == "Week by week the group became a place to think aloud."
    everything = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "agreed").rglob("*.*"))
    assert essay.candidate_number not in everything
    essays_file = (tmp_path / "agreed/essays.csv").read_text(encoding="utf-8")
    for marker in ("Marker A", "Marker B", "Moderation", "feedback"):
        assert marker not in essays_file
    with sign_in(demo_dir, "demo", "demo") as admin:
        admin.consent.withdraw(person_id, ConsentScope.ESSAY_RESEARCH, on=date(2026, 11, 24))
    _export(demo_dir, tmp_path / "agreed")
    assert research_id not in {r["research_id"] for r in _read(tmp_path / "agreed/essays.csv")}


def test_questionnaire_pairs_set_before_beside_after_and_leave_out_the_unpaired(
    demo_dir: Path, tmp_path: Path
) -> None:
    _export(demo_dir, tmp_path)
    scores = _read(tmp_path / "questionnaire_scores.csv")
    phases: dict[tuple[str, str], set[str]] = {}
    for row in scores:
        phases.setdefault((row["research_id"], row["cohort"]), set()).add(row["phase"])
    paired = {key for key, seen in phases.items() if seen == {"pre", "post"}}
    unpaired = set(phases) - paired
    assert paired and unpaired
    pairs = _read(tmp_path / "questionnaire_pairs.csv")
    assert {(row["research_id"], row["cohort"]) for row in pairs} == paired
    answers = {
        (r["research_id"], r["cohort"], r["item"], r["phase"]): r["scored"]
        for r in _read(tmp_path / "questionnaire_answers.csv")
    }
    for row in pairs:
        key = (row["research_id"], row["cohort"], row["item"])
        assert row["pre"] == answers[(*key, "pre")] and row["post"] == answers[(*key, "post")]
        if row["pre"] and row["post"]:
            assert int(row["change"]) == int(row["post"]) - int(row["pre"])
        else:
            assert row["change"] == ""
    codebook = {(r["file"], r["column"]): r["meaning"] for r in _read(tmp_path / "codebook.csv")}
    assert "unpaired response is left out" in codebook[("questionnaire_pairs.csv", "item")]


def test_the_audit_entry_records_the_base_column_and_the_date_shifting(
    demo_dir: Path, tmp_path: Path
) -> None:
    _export(demo_dir, tmp_path, shift_dates=True)
    with sign_in(demo_dir, "demo", "demo") as admin:
        (entry,) = admin.audit.entries(action="research.exported")
    assert "base (prison, university or community) in every file" in entry.details["columns"]
    assert entry.details["dates_shifted"] is True
    assert "interviews.csv" in entry.details["files"]
    assert entry.details["transcripts"] == 2


def test_a_sense_making_meeting_of_a_cohort_not_chosen_stays_out(
    demo_dir: Path, tmp_path: Path
) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin, admin.store.read() as session:
        meetings = session.scalars(
            select(ClassSession).where(ClassSession.kind == SessionKind.SENSE_MAKING)
        ).all()
        cohorts = session.scalars(select(Cohort.id)).all()
    assert len(meetings) == 1
    others = [c for c in cohorts if c != meetings[0].cohort_id]
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        researcher.research.export(tmp_path, cohort_ids=others)
    assert _read(tmp_path / "sense_making.csv") == []
    assert not (tmp_path / "transcripts").exists()


def test_a_file_in_the_way_of_the_transcripts_is_refused_before_anything_is_written(
    demo_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    out.mkdir()
    (out / "transcripts").write_text("mine", encoding="utf-8")
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        with pytest.raises(ValidationError, match="in the way of the interview transcripts"):
            researcher.research.export(out)
    assert sorted(p.name for p in out.iterdir()) == ["transcripts"]
