"""The marking pack and the feedback sheets, made from real data on the demo store."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from lt_desktop.core.services.essays import FeedbackSheet, MarkingPack, PackEssay, PackScan
from lt_desktop.core.sign_in import sign_in
from lt_desktop.documents.feedback_sheet import write_feedback_sheets
from lt_desktop.documents.marking_pack import write_marking_pack
from lt_desktop.documents.template import PaperSize
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import MarkPosition, PersonBase
from tests.helpers.stores import add_account

LONG_TITLE = (
    "On finding, in a room of strangers who became a group, that what I thought I knew "
    "about justice, punishment, fairness and repair was only the first page of a much "
    "longer and more interesting book"
)
ESSAY_TEXT = "\n\n".join(
    [
        "Before the course I thought justice & punishment were the same thing.",
        "Our group argued about <legitimacy> for three weeks; nobody won, and everybody "
        "learned.\nA single line break keeps its place.\n",
        "Christie's claim that conflicts are property now seems obvious to me. " * 40,
    ]
)
HEADER_LINES = 3  # "Learning Together", the partnership, the footer


@dataclass(frozen=True)
class Built:
    folder: Path
    candidates: dict[str, str]  # candidate number -> student name
    titles: dict[str, str]  # candidate number -> title
    words: dict[str, int]  # candidate number -> word count
    mine: dict[str, set[str]]  # marker name -> their candidate numbers
    scanned: str  # candidate number of the essay with a picture scan
    handwritten: str  # candidate number of the essay scanned to PDF only
    names: list[str]  # everyone's names, whole and in parts
    prison_details: list[str]  # prison numbers and places
    agreed: dict[str, tuple[str, int]]  # candidate number -> (student name, agreed mark)
    pack: Path
    marker_pack: Path
    marker_name: str
    feedback: Path


def _png() -> bytes:
    """A photographed page of handwriting, near enough."""
    image = Image.new("RGB", (420, 594), "white")
    draw = ImageDraw.Draw(image)
    for y in range(60, 560, 24):
        draw.line([(40, y), (380, y)], fill=(60, 60, 90), width=2)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _pdf() -> bytes:
    buffer = BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Page one of a scanned essay")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def built(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The autumn cohort with every essay in (one scanned, one handwritten), three
    markers allocated, both packs printed; then marked, agreed and revealed, and the
    feedback sheets printed."""
    root = tmp_path_factory.mktemp("essay-documents")
    folder = root / "store"
    shutil.copytree(_demo_template, folder, ignore=shutil.ignore_patterns("store.lock", "logs"))
    with sign_in(folder, "demo", "demo") as admin:
        cohort = next(c for c in admin.programme.list_cohorts() if "September" in c.name)
        waiting = admin.essays.students_without_essay(cohort.id)
        assert len(waiting) >= 3
        for n, (membership_id, _) in enumerate(waiting):
            if n == 0:
                admin.essays.record_essay(membership_id, title=LONG_TITLE, text=ESSAY_TEXT)
            elif n == 1:
                admin.essays.record_essay(membership_id, title="Written by hand")
            else:
                admin.essays.record_essay(membership_id, title=f"Essay number {n}", text=ESSAY_TEXT)
        rows = {r.membership_id: r for r in admin.essays.list_essays(cohort.id)}
        scanned = rows[waiting[0][0]]
        handwritten = rows[waiting[1][0]]
        admin.essays.attach_scan(scanned.id, "page-1.png", _png())
        admin.essays.attach_scan(handwritten.id, "handwritten-essay.pdf", _pdf())

        add_account(admin, "marker2", Role.MARKER)
        add_account(admin, "marker3", Role.MARKER)
        markers = dict(admin.essays.markers())
        admin.essays.allocate_markers(cohort.id, list(markers))
        rows_now = admin.essays.list_essays(cohort.id)
        mine: dict[str, set[str]] = {name: set() for name in markers.values()}
        for row in rows_now:
            for position, mark in row.marks.items():
                if position is not MarkPosition.AGREED and mark.marker_id in markers:
                    mine[markers[mark.marker_id]].add(row.candidate_number)
        marker_id, marker_name = next((i, name) for i, name in markers.items() if name == "Marker2")
        assert mine[marker_name] and len(mine[marker_name]) < len(rows_now)

        names, prison_details = [], []
        for person in admin.people.list_people():
            info = admin.people.get_person(person.id)
            names += [info.given_name, info.family_name, info.display_name]
            if info.base is PersonBase.PRISON:
                details = admin.people.prison_details(person.id)
                if details is not None:
                    prison_details += [details.prison_number, details.location]
        assert prison_details

        pack = root / "marking-pack.pdf"
        marker_pack = root / "marker-pack.pdf"
        write_marking_pack(pack, admin.essays.marking_pack(cohort.id))
        write_marking_pack(marker_pack, admin.essays.marking_pack(cohort.id, marker_id))

        agreed = {}
        for n, row in enumerate(rows_now):
            number = row.candidate_number
            admin.essays.enter_mark(number, MarkPosition.FIRST, 60 + n % 7, "Clear & honest.")
            admin.essays.enter_mark(number, MarkPosition.SECOND, 62 + n % 5, "Well argued.")
            score = 55 + n
            admin.essays.enter_mark(
                number, MarkPosition.AGREED, score, f"Agreed feedback for essay {n}."
            )
            agreed[number] = (row.student_name, score)
        admin.essays.reveal_identities(cohort.id)
        feedback = root / "feedback.pdf"
        write_feedback_sheets(feedback, [admin.essays.feedback_sheet(r.id) for r in rows_now])

    return Built(
        folder=folder,
        candidates={r.candidate_number: r.student_name for r in rows_now},
        titles={r.candidate_number: r.title for r in rows_now},
        words={r.candidate_number: r.word_count for r in rows_now},
        mine=mine,
        scanned=scanned.candidate_number,
        handwritten=handwritten.candidate_number,
        names=sorted({word for word in names if word.strip()}),
        prison_details=sorted({word for word in prison_details if word.strip()}),
        agreed=agreed,
        pack=pack,
        marker_pack=marker_pack,
        marker_name=marker_name,
        feedback=feedback,
    )


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _body(page: str) -> list[str]:
    return page.splitlines()[HEADER_LINES:]


def _essay_starts(pages: list[str]) -> dict[str, int]:
    """Candidate number -> the page its essay begins on."""
    starts = {}
    for index, page in enumerate(pages):
        body = _body(page)
        if len(body) > 1 and body[1].startswith("Candidate number"):
            starts[body[0]] = index
    return starts


def _mark_sheet_start(pages: list[str]) -> int:
    return next(i for i, page in enumerate(pages) if _body(page)[0] == "Mark sheet")


def _mark_sheet(pages: list[str]) -> str:
    return "\n".join(pages[_mark_sheet_start(pages) :])


def test_the_pack_holds_every_essay_each_on_its_own_pages(built: Built) -> None:
    pages = _pages(built.pack)
    text = _flat("\n".join(pages))
    starts = _essay_starts(pages)
    assert set(starts) == set(built.candidates)
    assert sorted(starts.values()) == list(starts.values())  # in candidate order
    for number, title in built.titles.items():
        assert _flat(title) in text, number
    assert "justice &amp; punishment" not in text
    assert "justice & punishment were the same thing." in text
    assert "argued about <legitimacy> for three weeks" in text
    assert "Christie's idea that conflicts are property" in text  # a demo essay's words
    cover = _flat(pages[0])
    assert f"{len(built.candidates)} essays" in cover
    assert "out of 100" in cover and "Do not try to find out who wrote" in cover
    assert "Return the mark sheet by" in cover
    # An essay runs from its first page to the next one's: a page for every 300 to 450
    # words, and one for its picture scan. The mark sheet follows the last.
    order = sorted(starts, key=starts.__getitem__)
    ends = [starts[number] for number in order[1:]] + [_mark_sheet_start(pages)]
    for number, end in zip(order, ends, strict=True):
        length = end - starts[number]
        scans = int(number == built.scanned)
        words = built.words[number]
        assert max(1, -(-words // 450)) + scans <= length <= -(-words // 300) + 1 + scans, number
    sheet_pages = len(pages) - _mark_sheet_start(pages)
    assert 1 <= sheet_pages <= -(-len(built.candidates) // 6)
    for page in pages:
        assert len(_body(page)) >= 2, "no page is left empty"


def test_scans_are_shown_or_pointed_to(built: Built) -> None:
    reader = PdfReader(built.pack)
    pages = [page.extract_text() for page in reader.pages]
    scan_pages = [i for i, page in enumerate(pages) if "scanned page 1 of 1" in page]
    assert len(scan_pages) == 1
    page = scan_pages[0]
    assert _body(pages[page])[0] == f"{built.scanned} · scanned page 1 of 1"
    assert page > _essay_starts(pages)[built.scanned]
    assert len(reader.pages[page].images) == 1
    assert sum(len(p.images) for p in reader.pages) == 1

    # Staff called it handwritten-essay.pdf; the pack names it by candidate number only.
    scan_name = f"{built.handwritten}-scan-1.pdf"
    handwritten = _flat(pages[_essay_starts(pages)[built.handwritten]])
    assert f"separate PDF file, {scan_name}" in handwritten
    assert "must be printed" in handwritten
    assert scan_name in _flat(pages[0])  # listed on the cover too
    assert not any("handwritten-essay" in page for page in pages)


def test_the_mark_sheet_lists_every_candidate(built: Built) -> None:
    sheet = _mark_sheet(_pages(built.pack))
    for number in built.candidates:
        assert sheet.count(number) == 1, number
    assert "Comments for the writer" in sheet
    assert "Signed" in sheet and "Date" in sheet


def test_the_pack_never_names_anyone_or_says_where_they_are_based(built: Built) -> None:
    reader = PdfReader(built.pack)
    text = "\n".join(page.extract_text() for page in reader.pages)
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    for word in built.names + built.prison_details:
        pattern = re.compile(rf"\b{re.escape(word)}\b")
        assert not pattern.search(text), word
        assert not pattern.search(metadata), word
    for name in built.candidates.values():
        assert name not in text
    lowered = text.lower()
    for word in ("prison", "university", "inmate", "-based"):
        assert word not in lowered, word


def test_a_markers_pack_holds_only_their_essays(built: Built) -> None:
    pages = _pages(built.marker_pack)
    text = "\n".join(pages)
    own = built.mine[built.marker_name]
    assert set(_essay_starts(pages)) == own
    for number in set(built.candidates) - own:
        assert number not in text
    sheet = _mark_sheet(pages)
    assert all(number in sheet for number in own)
    assert f"Marker: {built.marker_name}" in sheet
    assert "First marker" in sheet or "Second marker" in sheet
    assert f"{len(own)} essay" in pages[0]
    for word in built.names + built.prison_details:
        assert not re.search(rf"\b{re.escape(word)}\b", text), word


def test_each_student_gets_a_page_with_their_own_name_and_mark(built: Built) -> None:
    pages = _pages(built.feedback)
    assert len(pages) == len(built.agreed)
    others = set(built.candidates.values())
    for page, (number, (name, score)) in zip(pages, sorted(built.agreed.items()), strict=True):
        flat = _flat(page)
        assert _body(page)[0] == name
        assert number in flat
        assert f"{score} out of 100" in flat
        assert "15 credits" in flat
        assert "Agreed feedback for essay" in flat
        assert "Comments from the markers" in flat
        assert "Clear & honest." in flat and "Well argued." in flat
        for other in others - {name}:
            assert other not in flat
        for word in built.prison_details:
            assert not re.search(rf"\b{re.escape(word)}\b", flat), word
        lowered = flat.lower()
        for word in ("prison", "inmate", "-based"):
            assert word not in lowered, word


def test_a_pack_with_nothing_in_it_is_refused(tmp_path: Path) -> None:
    empty = MarkingPack("Course", "Cohort", "Partnership", "", [])
    with pytest.raises(ValidationError, match="no essays"):
        write_marking_pack(tmp_path / "pack.pdf", empty)
    with pytest.raises(ValidationError, match="no feedback sheets"):
        write_feedback_sheets(tmp_path / "feedback.pdf", [])
    assert not list(tmp_path.iterdir())


def test_scans_are_turned_upright_and_a_damaged_one_does_not_stop_the_pack(
    tmp_path: Path,
) -> None:
    # A phone photo taken sideways: stored 300 wide and 200 high, tagged to turn 90°.
    photo = Image.new("RGB", (300, 200), "white")
    exif = photo.getexif()
    exif[0x0112] = 6
    buffer = BytesIO()
    photo.save(buffer, "JPEG", exif=exif.tobytes())
    damaged = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    essay = PackEssay(
        candidate_number="C0000001",
        title="Pictures",
        text="",
        word_count=0,
        position=MarkPosition.SECOND,
        scans=[
            PackScan("photo.jpg", "image/jpeg", buffer.getvalue()),
            PackScan("broken.png", "image/png", damaged),
        ],
    )
    pack = MarkingPack("Course", "Cohort", "Partnership", "A Marker", [essay])
    target = tmp_path / "pack.pdf"
    write_marking_pack(target, pack, paper=PaperSize.LETTER)
    reader = PdfReader(target)
    assert len(reader.pages) == 5  # cover, essay, two scans, mark sheet
    (picture,) = reader.pages[2].images
    assert picture.image is not None and picture.image.size == (200, 300)
    assert "could not be shown" in reader.pages[3].extract_text()
    assert "pages follow" in reader.pages[1].extract_text()
    assert "Second marker" in reader.pages[4].extract_text()

    unassigned = replace(pack, marker_name="", essays=[replace(essay, position=None, scans=[])])
    write_marking_pack(target, unassigned)
    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    assert "first / second" in text and "Marker’s name" in text
    assert "No text or scanned pages" in text


def test_names_and_feedback_are_printed_as_written(tmp_path: Path) -> None:
    sheet = FeedbackSheet(
        student_name="Zoë O'Neill-Smith",
        course_title="Law & <Society>",
        cohort_name="Spring",
        partnership_name="A & B Learning Together",
        candidate_number="C1234567",
        title="Me & my <group>",
        agreed_score=67.5,
        agreed_feedback="First paragraph.\n\nSecond paragraph.",
        marker_feedback=[],
        credits=None,
    )
    target = tmp_path / "feedback.pdf"
    write_feedback_sheets(target, [sheet, replace(sheet, student_name="Second Student")])
    pages = _pages(target)
    assert len(pages) == 2
    flat = _flat(pages[0])
    assert "Zoë O'Neill-Smith" in flat and "Me & my <group>" in flat
    assert "67.5 out of 100" in flat and "credit" not in flat
    assert "Comments from the markers" not in flat
    assert "First paragraph. Second paragraph." in flat
    assert _body(pages[1])[0] == "Second Student"
