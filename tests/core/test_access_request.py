"""An access request: everything held about one person, written to a new folder as a
readable PDF, one JSON document and a CSV file per section, with nobody else's name in
any of it, and audited under their research id."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from lt_desktop.core.name_scrubbing import NameScrubber
from lt_desktop.core.services.access_data import ANOTHER_PARTICIPANT, SHOWN_IN
from lt_desktop.core.services.access_request import (
    JSON_FILE,
    AccessExport,
    AccessRequestService,
    pdf_name,
)
from lt_desktop.core.services.erasure import ERASED
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.access_export import write_person_data
from lt_desktop.domain.errors import OutputRefused, PermissionDenied
from lt_desktop.domain.vocabulary import MarkPosition, PersonBase, SiteKind
from lt_desktop.storage.models import (
    Application,
    Certificate,
    Consent,
    Essay,
    EssayMark,
    Interview,
    Membership,
    Person,
    Progression,
    QuestionnaireResponse,
    Story,
    User,
)

PLANTED = "In week two {other} said the reading was hard, and I ({own}) agreed."


@dataclass(frozen=True)
class Chosen:
    id: uuid.UUID
    given_name: str
    family_name: str
    research_id: str


def _fullest(demo: Workspace) -> Chosen:
    """The prison-based person the demo holds the most kinds of record about (so their
    prison-only details are there too)."""
    with demo.store.read() as session:
        kinds: Counter[uuid.UUID] = Counter()
        for model in (Story, Application, Progression, QuestionnaireResponse, Interview):
            kinds.update(set(session.scalars(select(model.person_id))))
        for placed in (Essay.membership_id, Certificate.membership_id):
            kinds.update(
                set(
                    session.scalars(
                        select(Membership.person_id).join(placed.class_, placed == Membership.id)
                    )
                )
            )
        prison = set(session.scalars(select(Person.id).where(Person.base == PersonBase.PRISON)))
        person_id = max(sorted(kinds.keys() & prison), key=lambda p: kinds[p])
        person = session.get(Person, person_id)
        assert person is not None
        return Chosen(person.id, person.given_name, person.family_name, person.research_id)


def _others(demo: Workspace, chosen: Chosen) -> set[str]:
    """Everyone else's full names, and the accounts' and markers' names."""
    own = {chosen.given_name, chosen.family_name, f"{chosen.given_name} {chosen.family_name}"}
    with demo.store.read() as session:
        names = {
            f"{given} {family}"
            for given, family in session.execute(select(Person.given_name, Person.family_name))
        }
        names |= set(session.scalars(select(User.display_name)))
        names |= set(session.scalars(select(EssayMark.marker_name)))
    return {n for n in names if n and n not in own}


def _plant_a_story(demo: Workspace, chosen: Chosen, other: str) -> str:
    """One of their stories names someone else, and the writer themselves."""
    with demo.store.read() as session:
        story = session.scalars(
            select(Story).where(Story.person_id == chosen.id).order_by(Story.written_on)
        ).first()
        assert story is not None
        session_id, text, written_on = story.session_id, story.text, story.written_on
    sentence = PLANTED.format(other=other, own=f"{chosen.given_name} {chosen.family_name}")
    demo.stories.save(
        session_id, chosen.id, text=f"{text} {sentence}", answers={}, written_on=written_on
    )
    return sentence


def _every_text(folder: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".pdf":
            texts[path.name] = "\n".join(p.extract_text() for p in PdfReader(path).pages)
        else:
            texts[path.name] = path.read_text(encoding="utf-8-sig")
    return texts


def _flat(text: str) -> str:
    return " ".join(text.split())


def _export(demo: Workspace, chosen: Chosen, folder: Path) -> AccessExport:
    return demo.access_requests.export(chosen.id, folder, pdf=write_person_data)


def test_every_kind_an_erasure_removes_has_its_place_in_an_access_export() -> None:
    assert {words for _, words, *_ in ERASED} == set(SHOWN_IN)


def test_the_export_holds_everything_and_names_nobody_else(demo: Workspace, tmp_path: Path) -> None:
    chosen = _fullest(demo)
    others = _others(demo, chosen)
    other = sorted(others - {"Demo Administrator"})[0]
    sentence = _plant_a_story(demo, chosen, other)
    held = {c.words: c.count for c in demo.erasure.preview(chosen.id).counts}
    folder = tmp_path / "stick" / "for-them"
    folder.parent.mkdir()

    done = _export(demo, chosen, folder)

    assert done.folder == folder.resolve()
    assert sorted(p.name for p in folder.iterdir()) == sorted(done.files)
    assert done.files[:2] == (pdf_name(chosen.research_id), JSON_FILE)
    assert not [p for p in folder.parent.iterdir() if p.name != folder.name], "nothing beside it"
    data = json.loads((folder / JSON_FILE).read_text(encoding="utf-8"))
    sections = set(data["about"]["sections"])
    assert sections == {f.removesuffix(".csv") for f in done.files if f.endswith(".csv")}
    assert set(data) == sections | {"about"}
    # Every kind of record the erasure would remove is in the export, as many as there are.
    for words, count in held.items():
        assert data[SHOWN_IN[words]], f"{words} ({count}) held but not exported"
    assert len(data["stories"]) == held["stories"]
    assert len(data["attendance"]) == held["register marks"]
    assert len(data["consents"]) == held["consents"]
    for key in ("record", "prison_details", "journey", "attendance", "essays", "stories"):
        assert data[key], key
    for key in ("story_answers", "questionnaires", "consents", "certificates"):
        assert data[key], key
    (record,) = data["record"]
    assert (record["given_name"], record["family_name"]) == (chosen.given_name, chosen.family_name)
    assert record["research_id"] == chosen.research_id
    consent = data["consents"][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", consent["given_on"])
    journey = data["journey"][0]
    assert {"attendance_percent", "engagement_percent", "status", "status_since"} <= set(journey)
    # The planted story: the other person's name replaced, their own kept.
    own_name = f"{chosen.given_name} {chosen.family_name}"
    expected = sentence.replace(other, ANOTHER_PARTICIPANT)
    assert any(expected in story["story"] for story in data["stories"])
    texts = _every_text(folder)
    assert expected in _flat(texts[pdf_name(chosen.research_id)])
    assert expected in texts["stories.csv"]
    assert own_name in texts[pdf_name(chosen.research_id)]
    # Nobody else's name anywhere in the folder, the PDF's text included.
    for name, text in texts.items():
        flat = _flat(text).casefold()
        found = [n for n in others if re.search(rf"(?<!\w){re.escape(n.casefold())}(?!\w)", flat)]
        assert not found, f"{name} names {found}"
    # The CSV files read back as the same rows, with their headings.
    rows = list(csv.reader(io.StringIO(texts["stories.csv"])))
    assert rows[0] == ["Cohort", "Week", "Session", "Written", "Story"]
    assert len(rows) == 1 + held["stories"]


def test_a_mark_not_yet_agreed_is_left_out_and_markers_are_never_named(
    demo: Workspace, tmp_path: Path
) -> None:
    with demo.store.read() as session:
        agreed = select(EssayMark.essay_id).where(
            EssayMark.position == MarkPosition.AGREED, EssayMark.score.is_not(None)
        )
        unagreed = session.execute(
            select(Essay.id, Membership.person_id)
            .join(Membership, Membership.id == Essay.membership_id)
            .join(EssayMark, EssayMark.essay_id == Essay.id)
            .where(EssayMark.score.is_not(None), Essay.id.not_in(agreed))
        ).first()
        assert unagreed is not None, "the demo has an essay marked but not yet agreed"
        essay_id, person_id = unagreed
        marks = list(session.scalars(select(EssayMark).where(EssayMark.essay_id == essay_id)))
        markers = {m.marker_name for m in marks if m.marker_name}
        feedback = {m.feedback for m in marks if m.feedback}
        person = session.get(Person, person_id)
        assert person is not None
        chosen = Chosen(person.id, person.given_name, person.family_name, person.research_id)

    _export(demo, chosen, tmp_path / "out")

    data = json.loads((tmp_path / "out" / JSON_FILE).read_text(encoding="utf-8"))
    (essay,) = [e for e in data["essays"] if e["marking"] == "Not agreed yet"]
    assert essay["agreed_mark"] is None and essay["markers_feedback"] == ""
    everything = "\n".join(_every_text(tmp_path / "out").values())
    for text in markers | feedback:
        assert text not in everything


def test_the_audit_log_names_the_research_id_and_the_counts_never_the_name(
    demo: Workspace, tmp_path: Path
) -> None:
    chosen = _fullest(demo)

    done = _export(demo, chosen, tmp_path / "out")

    (entry,) = demo.audit.entries(action="person.access_export")
    assert entry.subject_id == chosen.research_id
    written = json.dumps(entry.details)
    assert chosen.family_name not in written and chosen.given_name not in written
    assert entry.subject_type == "person" and entry.actor_name
    titles = dict(done.counts)
    assert entry.details["stories"] == titles["Stories"] > 0
    assert entry.details["attendance"] == titles["Attendance, session by session"] > 0


def test_a_facilitator_may_not_export_anyone(demo_dir: Path, tmp_path: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        chosen = _fullest(admin)
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        with pytest.raises(PermissionDenied):
            _export(facilitator, chosen, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_folder_that_holds_files_is_refused_and_left_as_it_was(
    demo: Workspace, tmp_path: Path
) -> None:
    chosen = _fullest(demo)
    stick = tmp_path / "stick"
    folder = stick / "used"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("someone else's notes")

    with pytest.raises(OutputRefused, match="holds files"):
        _export(demo, chosen, folder)

    assert [p.name for p in stick.iterdir()] == ["used"]
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "someone else's notes"
    assert demo.audit.entries(action="person.access_export") == []
    # An empty folder made for it is used.
    empty = stick / "empty"
    empty.mkdir()
    assert _export(demo, chosen, empty).folder == empty.resolve()
    assert (empty / JSON_FILE).is_file()


def test_a_write_cut_short_leaves_no_folder_that_looks_complete(
    demo: Workspace, tmp_path: Path
) -> None:
    chosen = _fullest(demo)
    stick = tmp_path / "stick"
    stick.mkdir()

    def pulled_out(target: Path, data: object) -> None:
        target.write_bytes(b"%PDF-1.4 half")
        raise OSError(5, "Input/output error", str(target))

    with pytest.raises(Exception, match="went away"):
        demo.access_requests.export(chosen.id, stick / "out", pdf=pulled_out)

    assert list(stick.iterdir()) == []
    assert demo.audit.entries(action="person.access_export") == []


def test_prison_only_details_stay_out_away_from_the_prison(
    demo: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = _fullest(demo)
    number = demo.people.prison_details(chosen.id)
    assert number is not None and number.prison_number
    assert demo.access_requests.gather(chosen.id).section("prison_details").rows
    monkeypatch.setattr(
        AccessRequestService, "site_kind", property(lambda self: SiteKind.UNIVERSITY)
    )

    _export(demo, chosen, tmp_path / "out")

    data = json.loads((tmp_path / "out" / JSON_FILE).read_text(encoding="utf-8"))
    assert "prison_details" not in data
    assert not (tmp_path / "out" / "prison_details.csv").exists()
    everything = "\n".join(_every_text(tmp_path / "out").values())
    assert number.prison_number not in everything


def test_a_very_long_text_in_a_short_section_still_makes_a_pdf(
    demo: Workspace, tmp_path: Path
) -> None:
    chosen = _fullest(demo)
    consent = demo.consent.states(chosen.id)[0]
    with demo.store.write() as session:
        row = session.scalars(
            select(Consent).where(Consent.person_id == chosen.id, Consent.scope == consent.scope)
        ).first()
        assert row is not None
        row.notes = "The form was read aloud and discussed at length. " * 200

    done = _export(demo, chosen, tmp_path / "out")

    pdf = tmp_path / "out" / done.files[0]
    assert "read aloud" in "".join(p.extract_text() for p in PdfReader(pdf).pages)


def test_an_unknown_person_is_not_found(demo: Workspace, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no longer exists"):
        demo.access_requests.export(uuid.uuid4(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_scrubber_keeps_the_writers_own_names_when_asked() -> None:
    scrubber = NameScrubber(
        {
            "R1": ["Ada", "Lovelace", "Ada Lovelace"],
            "R2": ["Charles", "Babbage", "Charles Babbage"],
        },
        replacement=ANOTHER_PARTICIPANT,
        keep_writer=True,
    )
    assert (
        scrubber.scrub("Ada Lovelace met Charles Babbage.", writer="R1")
        == f"Ada Lovelace met {ANOTHER_PARTICIPANT}."
    )
    # As research exports use it, unchanged.
    research = NameScrubber({"R1": ["Ada"], "R2": ["Charles"]})
    assert research.scrub("Ada and Charles", writer="R1") == "R1 and [name]"


def test_counts_in_the_store_are_unchanged_by_an_export(demo: Workspace, tmp_path: Path) -> None:
    chosen = _fullest(demo)
    with demo.store.read() as session:
        before = session.scalar(select(func.count()).select_from(Story))
    _export(demo, chosen, tmp_path / "out")
    with demo.store.read() as session:
        assert session.scalar(select(func.count()).select_from(Story)) == before


def test_a_marker_named_by_one_name_alone_is_replaced_too(demo: Workspace, tmp_path: Path) -> None:
    """Markers are kept by their whole name; their surname or first name alone in what
    was written must not reach the person either (marking is double-blind)."""
    chosen = _fullest(demo)
    with demo.store.write() as session:
        mark = session.scalars(select(EssayMark)).first()
        assert mark is not None
        mark.marker_name = "Helen Carwright"
    _plant_a_story(demo, chosen, "Carwright, and Helen too,")
    folder = tmp_path / "for-them"

    _export(demo, chosen, folder)

    for name, text in _every_text(folder).items():
        assert "carwright" not in text.casefold(), name
        assert not re.search(r"(?<!\w)helen(?!\w)", text.casefold()), name
