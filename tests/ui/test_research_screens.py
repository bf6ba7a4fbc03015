"""Essays, marking, stories and questionnaires on screen, driven by keys and clicks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import QuestionnairePhase
from lt_desktop.ui.qt import QFileDialog, Qt, QWidget
from lt_desktop.ui.screens.essays import AllocateMarkersDialog, EssaysScreen
from lt_desktop.ui.screens.questionnaires import QuestionnairesScreen
from lt_desktop.ui.screens.research_export import ResearchExportScreen
from lt_desktop.ui.screens.stories import StoriesScreen
from tests.helpers.questionnaires import item_id
from tests.helpers.stores import add_account
from tests.ui.conftest import Driver, all_visible_text, window_on


def _names(folder: Path) -> set[str]:
    with sign_in(folder, "demo", "demo") as admin:
        return {
            part
            for p in admin.people.list_people()
            for part in admin.people.get_person(p.id).display_name.split()
            if len(part) > 3
        }


def test_a_marker_sees_no_name_or_base_anywhere_on_screen(qtbot: QtBot, demo_dir: Path) -> None:
    names = _names(demo_dir)
    with window_on(qtbot, demo_dir) as driver:
        driver.sign_in("marker", "demo")
        assert driver.nav_titles() == ["Essays and marking"]
        screen = driver.open(EssaysScreen)
        assert isinstance(screen, EssaysScreen) and screen.marker is not None
        view = screen.marker
        assert view.tasks.rowCount() >= 3
        for row in range(view.tasks.rowCount()):
            view.list.selectRow(row)
            driver.settle()
            shown = all_visible_text()
            assert f"Candidate {view.tasks.rows[row].candidate_number}" in shown
            leaked = sorted(n for n in names if n in shown)
            assert leaked == [], leaked
            for base in ("prison-based", "university-based", "Prison", "University"):
                assert base not in shown


def test_the_marker_marks_and_the_other_mark_appears_only_once_agreed(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("marker", "demo")
    screen = driver.open(EssaysScreen)
    assert isinstance(screen, EssaysScreen) and screen.marker is not None
    view = screen.marker
    number = view.tasks.rows[0].candidate_number
    view.list.selectRow(0)
    driver.settle()
    assert "stays hidden" in view.other.text()
    view.score.clear()
    qtbot.keyClicks(view.score, "64")
    qtbot.keyClicks(view.feedback, "Thoughtful and well argued.")
    qtbot.mouseClick(view.submit_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert f"Your mark of 64 for {number} is saved" in view.banner.text()
    assert "stays hidden" in view.other.text()
    assert view.tasks.rows[0].my_score == 64
    driver.controller.shutdown()
    from lt_desktop.domain.vocabulary import MarkPosition

    with sign_in(demo_dir, "demo", "demo") as admin:
        admin.essays.enter_mark(number, MarkPosition.SECOND, 68, "Strong.")
        admin.essays.enter_mark(number, MarkPosition.AGREED, 66, "Agreed.")
    with window_on(qtbot, demo_dir) as again:
        again.sign_in("marker", "demo")
        screen = again.open(EssaysScreen)
        assert isinstance(screen, EssaysScreen) and screen.marker is not None
        row = next(
            i for i, t in enumerate(screen.marker.tasks.rows) if t.candidate_number == number
        )
        screen.marker.list.selectRow(row)
        again.settle()
        assert screen.marker.other.text() == "The other marker gave 68."
        assert not screen.marker.submit_button.isEnabled()


def test_the_coordinator_allocates_markers(driver: Driver, qtbot: QtBot, demo_dir: Path) -> None:
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        add_account(admin, "second", Role.MARKER)
        cohort = next(c for c in admin.programme.list_cohorts() if "September" in c.name)
        for membership_id, _ in admin.essays.students_without_essay(cohort.id):
            admin.essays.record_essay(membership_id, title="T", text="words " * 50)
    with window_on(qtbot, demo_dir) as window:
        window.sign_in("staff", "demo")
        screen = window.open(EssaysScreen)
        assert isinstance(screen, EssaysScreen) and screen.coordinator is not None
        view = screen.coordinator
        view.cohort.setCurrentIndex(view.cohort.findText("September", Qt.MatchFlag.MatchContains))
        window.settle()

        def allocate(dialog: QWidget) -> None:
            assert isinstance(dialog, AllocateMarkersDialog)
            assert dialog.markers.count() == 2
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

        window.answer_next_dialog(allocate)
        from lt_desktop.ui.qt import QPushButton

        allocate_button = next(
            b for b in view.findChildren(QPushButton) if b.text() == "Allocate &markers…"
        )
        qtbot.mouseClick(allocate_button, Qt.MouseButton.LeftButton)
        window.settle()
        assert view.banner.text().startswith("Allocated")
        assert all(
            e.status.endswith("marks in") or e.status == "Awaiting markers" for e in view.model.rows
        )
        assert sum(1 for e in view.model.rows if e.status == "0 of 2 marks in") >= 12


def test_a_story_cannot_be_typed_for_someone_without_consent(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(StoriesScreen)
    assert isinstance(screen, StoriesScreen)
    refused = next(i for i, line in enumerate(screen.people.rows) if not line.may_have_story)
    screen.table.selectRow(refused)
    assert "No story can be kept" in screen.consent_banner.text()
    assert not screen.text.isEnabled() and not screen.save_button.isEnabled()
    allowed = next(
        i for i, line in enumerate(screen.people.rows) if line.may_have_story and line.story is None
    )
    screen.table.selectRow(allowed)
    name = screen.people.rows[allowed].display_name
    assert screen.text.isEnabled() and screen.text.hasFocus() or not screen.isActiveWindow()
    qtbot.keyClicks(screen.text, "Today we argued about punishment, kindly.")
    first_answer = next(iter(screen.answer_fields.values()))
    qtbot.keyClicks(first_answer, "That I can change my mind.")
    screen.save_and_next()  # what Ctrl+Enter does
    driver.settle()
    assert f"Saved {name}'s story" in screen.banner.text()
    assert screen.table.currentIndex().row() == allowed + 1
    line = next(x for x in screen.people.rows if x.display_name == name)
    assert line.story is not None and "punishment" in line.story.text


def test_questionnaire_answers_by_keyboard_are_saved_per_person(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(QuestionnairesScreen)
    assert isinstance(screen, QuestionnairesScreen)
    screen.cohort.setCurrentIndex(screen.cohort.findText("September", Qt.MatchFlag.MatchContains))
    screen.phase.set_value(QuestionnairePhase.POST)
    driver.settle()
    model = screen.model
    row = next(i for i in range(model.rowCount()) if model.row(i).consent_problem is None)
    person = model.row(row)
    screen.grid.setCurrentIndex(model.index(row, 1))
    likert = [item for item in model.items if item.kind.value == "likert"]
    for n in range(len(likert)):
        qtbot.keyClicks(screen.grid, str(n % 5 + 1))
    assert [model.answers[row][item_id(i)] for i in likert] == [
        n % 5 + 1 for n in range(len(likert))
    ]
    assert screen.grid.currentIndex().column() == len(likert) + 1  # the free-text item
    qtbot.keyClicks(screen.grid, "9")  # not a valid answer: ignored
    screen.grid.setCurrentIndex(model.index(row + 1, 1))  # moving on saves the row
    driver.settle()
    assert f"Saved {person.display_name}'s answers" in screen.banner.text()
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        template = admin.questionnaires.templates()[0]
        cohort = next(c for c in admin.programme.list_cohorts() if "September" in c.name)
        grid = admin.questionnaires.grid(template.id, cohort.id, QuestionnairePhase.POST)
        saved = next(r for r in grid.rows if r.person_id == person.person_id)
        assert [saved.answers[item_id(i)] for i in likert] == [
            n % 5 + 1 for n in range(len(likert))
        ]


def test_a_researcher_exports_from_their_only_screen(
    driver: Driver, qtbot: QtBot, tmp_path: Path
) -> None:
    driver.sign_in("researcher", "demo")
    assert driver.nav_titles() == ["Research export"]
    screen = driver.open(ResearchExportScreen)
    assert isinstance(screen, ResearchExportScreen)
    assert "prison-based and university-based" in screen.base_note.text()
    screen.export_to(tmp_path)
    driver.settle()
    assert "Exported data of" in screen.banner.text()
    assert (tmp_path / "stories.csv").exists()


def test_typing_the_next_story_survives_the_last_ones_save(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(StoriesScreen)
    assert isinstance(screen, StoriesScreen)
    rows = screen.people.rows
    first = next(
        i
        for i, line in enumerate(rows)
        if line.may_have_story and i + 1 < len(rows) and rows[i + 1].may_have_story
    )
    screen.table.selectRow(first)
    screen.text.setPlainText("The first story.")
    screen.save_and_next()
    qtbot.keyClicks(screen.text, " And the next one, typed at once.")  # before the save lands
    driver.settle()
    assert screen.table.currentIndex().row() == first + 1
    assert screen.text.toPlainText().endswith("And the next one, typed at once.")


def _click_button(view: QWidget, qtbot: QtBot, text: str) -> None:
    from lt_desktop.ui.qt import QPushButton

    found = next(b for b in view.findChildren(QPushButton) if b.text() == text)
    qtbot.mouseClick(found, Qt.MouseButton.LeftButton)


def test_the_coordinator_prints_a_markers_pack_and_the_feedback_sheets(
    qtbot: QtBot, demo_dir: Path, tmp_path: Path
) -> None:
    with sign_in(demo_dir, "marker", "demo") as marker:
        mine = {t.candidate_number for t in marker.marking.tasks()}
    with window_on(qtbot, demo_dir) as driver:
        _print_essay_documents(qtbot, driver, tmp_path, mine)


def _print_essay_documents(qtbot: QtBot, driver: Driver, tmp_path: Path, mine: set[str]) -> None:
    from pypdf import PdfReader

    from lt_desktop.ui.screens.essays import FeedbackSheetsDialog, MarkingPackDialog

    driver.sign_in("staff", "demo")
    screen = driver.open(EssaysScreen)
    assert isinstance(screen, EssaysScreen) and screen.coordinator is not None
    view = screen.coordinator
    view.cohort.setCurrentIndex(view.cohort.findText("September", Qt.MatchFlag.MatchContains))
    driver.settle()
    names = {e.student_name for e in view.model.rows}
    pack = tmp_path / "pack.pdf"

    def choose_the_demo_marker(dialog: QWidget) -> None:
        assert isinstance(dialog, MarkingPackDialog)
        dialog.marker.setCurrentIndex(dialog.marker.findText("Demo marker's essays"))
        assert dialog.target.line.text().endswith("for Demo marker's essays.pdf")
        dialog.target.line.setText(str(tmp_path / "no such folder" / "pack.pdf"))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and "There is no folder" in dialog.banner.text()
        dialog.target.line.setText(str(pack))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(choose_the_demo_marker)
    _click_button(view, qtbot, "Print marking &pack…")
    qtbot.waitUntil(lambda: "Saved the marking pack" in view.banner.text(), timeout=10_000)
    text = "".join(page.extract_text() for page in PdfReader(pack).pages)
    assert mine and all(number in text for number in mine)
    others = {e.candidate_number for e in view.model.rows} - mine
    assert not any(number in text for number in others)
    assert not any(part in text for name in names for part in name.split() if len(part) > 3)

    view.cohort.setCurrentIndex(view.cohort.findText("January", Qt.MatchFlag.MatchContains))
    driver.settle()
    revealed = {e.student_name for e in view.model.rows if e.identities_revealed}
    assert revealed
    feedback = tmp_path / "feedback.pdf"

    def save_feedback(dialog: QWidget) -> None:
        assert isinstance(dialog, FeedbackSheetsDialog)
        dialog.target.line.setText(str(feedback))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(save_feedback)
    _click_button(view, qtbot, "Print feed&back sheets…")
    qtbot.waitUntil(lambda: "feedback" in view.banner.text(), timeout=10_000)
    assert f"Saved {len(revealed)} feedback" in view.banner.text()
    pages = [page.extract_text() for page in PdfReader(feedback).pages]
    for name in revealed:
        assert any(name in page for page in pages), name


def test_the_weeks_offered_for_stories_leave_out_the_induction_and_a_cancelled_week(
    driver: Driver,
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(StoriesScreen)
    assert isinstance(screen, StoriesScreen)
    autumn = next(
        i for i in range(screen.cohort.count()) if "September" in screen.cohort.itemText(i)
    )
    screen.cohort.setCurrentIndex(autumn)
    driver.settle()
    weeks = [screen.week.itemText(i).split(":")[0] for i in range(screen.week.count())]
    assert weeks[:6] == [f"Week {n}" for n in range(1, 7)]
    assert "Week 7" not in weeks and "Week 8" in weeks  # week 7: a lockdown
    assert "Week 0" not in weeks and "Induction" not in weeks


def test_a_researcher_ticks_shift_dates_chooses_a_cohort_and_exports(
    driver: Driver,
    qtbot: QtBot,
    demo_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "export"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    driver.sign_in("researcher", "demo")
    screen = driver.open(ResearchExportScreen)
    assert isinstance(screen, ResearchExportScreen)
    assert "comparing prison-based and university-based participants is the point" in (
        screen.base_note.text()
    )
    assert not screen.shift_dates.isChecked()
    screen.shift_dates.setFocus()
    qtbot.keyClick(screen.shift_dates, Qt.Key.Key_Space)
    assert screen.shift_dates.isChecked()
    spring = next(i for i in range(screen.cohort.count()) if "January" in screen.cohort.itemText(i))
    screen.cohort.setFocus()
    for _ in range(spring):
        qtbot.keyClick(screen.cohort, Qt.Key.Key_Down)
    assert "January" in screen.cohort.currentText()
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    driver.settle()
    shown = screen.banner.text()
    assert "dates shifted" in shown and "interviews.csv" in shown, shown
    assert "2 interview transcripts" in shown

    def rows(name: str) -> list[dict[str, str]]:
        with open(out / name, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    interviews = rows("interviews.csv")
    assert interviews and all("January" in r["cohort"] for r in interviews)
    assert len(rows("sense_making.csv")) == 1
    assert all("January" in r["cohort"] for r in rows("essays.csv"))
    codebook = rows("codebook.csv")
    held = next(r for r in codebook if (r["file"], r["column"]) == ("interviews.csv", "held_on"))
    assert "Shifted" in held["meaning"]
    assert len(list((out / "transcripts").glob("*.txt"))) == 2
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        (entry,) = admin.audit.entries(action="research.exported")
    assert entry.details["dates_shifted"] is True
