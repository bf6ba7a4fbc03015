"""The Documents screen, driven by clicks and keys on the demo store: certificates, a
register, a person's attendance, the guest list and a CSV list are saved where the
person asks, read back as text, and checked for what they must and must never show;
the cohort's figures on screen are the cohort report's, with no one named."""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from lt_desktop.core.services.attendance import FOOTNOTE
from lt_desktop.core.services.documents.cohort_report import CohortReport
from lt_desktop.core.services.documents.cohort_summary import comparison_rows, plain_summary
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import MembershipRole, MembershipStatus, PersonBase
from lt_desktop.ui.qt import QLabel, QLineEdit, Qt, QTableWidget
from lt_desktop.ui.screens.documents import DocumentsScreen
from lt_desktop.ui.screens.documents.figures import table_text
from tests.ui.conftest import Driver, window_on
from tests.ui.test_accessibility import _unnamed_controls


@dataclass(frozen=True)
class Expected:
    """What the demo store holds, read through the services before the window opens."""

    graduates: list[str]  # of the January–March cohort
    register_names: list[str]  # expected at week 11 of the September cohort
    everyone: list[str]  # every member of either cohort
    prison_numbers: list[str]
    spring_report: CohortReport


def _expected(folder: Path) -> Expected:
    with sign_in(folder, "demo", "demo") as ws:
        cohorts = ws.programme.list_cohorts()
        spring = next(c for c in cohorts if c.name.startswith("January"))
        autumn = next(c for c in cohorts if c.name.startswith("September"))
        graduates, everyone, numbers = [], [], []
        for cohort in (spring, autumn):
            for member in ws.memberships.list_members(cohort.id):
                everyone.append(member.display_name)
                if member.base is PersonBase.PRISON:
                    details = ws.people.prison_details(member.person_id)
                    assert details is not None
                    numbers.append(details.prison_number)
                if (
                    cohort is spring
                    and member.role is MembershipRole.STUDENT
                    and member.status is MembershipStatus.GRADUATED
                ):
                    graduates.append(member.display_name)
        week_11 = next(s for s in ws.programme.list_sessions(autumn.id) if s.week == 11)
        sheet = ws.documents.register_sheet(week_11.id)
        report = ws.documents.cohort_report(spring.id)
    return Expected(
        graduates=graduates,
        register_names=[p.name for g in sheet.groups for p in g.people],
        everyone=everyone,
        prison_numbers=numbers,
        spring_report=report,
    )


def text_of(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def _open(driver: Driver) -> DocumentsScreen:
    driver.sign_in("staff", "demo")
    screen = driver.open(DocumentsScreen)
    assert isinstance(screen, DocumentsScreen)
    return screen


def _click_kind(qtbot: QtBot, screen: DocumentsScreen, label: str) -> None:
    (item,) = screen.kinds.findItems(label, Qt.MatchFlag.MatchExactly)
    rect = screen.kinds.visualItemRect(item)
    qtbot.mouseClick(screen.kinds.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.current_kind().label == label


def _pick(screen: DocumentsScreen, which: str, text: str) -> None:
    combo = getattr(screen, which)
    position = combo.findText(text, Qt.MatchFlag.MatchContains)
    assert position >= 0, f"{text!r} is not offered in {which}"
    combo.setCurrentIndex(position)


def _save_as(qtbot: QtBot, screen: DocumentsScreen, target: Path) -> None:
    screen.target.line.clear()
    qtbot.keyClicks(screen.target.line, str(target))


def _press_save(qtbot: QtBot, driver: Driver, screen: DocumentsScreen) -> None:
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    driver.settle()


def test_certificates_a_register_and_a_list_saved_from_the_screen(
    qtbot: QtBot, demo_dir: Path, tmp_path: Path
) -> None:
    expected = _expected(demo_dir)
    with window_on(qtbot, demo_dir) as driver:
        screen = _open(driver)

        _click_kind(qtbot, screen, "Certificates for a cohort")
        assert screen.save_button.text() == "&Save PDF"
        assert not screen.session.isVisibleTo(screen) and not screen.person.isVisibleTo(screen)
        _pick(screen, "cohort", "January")
        driver.settle()
        assert screen.target.line.text().endswith(
            "Certificates Crime, Justice and Society January–March 2026.pdf"
        )
        certificates = tmp_path / "certificates.pdf"
        _save_as(qtbot, screen, certificates)
        _press_save(qtbot, driver, screen)
        message = screen.banner.text()
        assert message.startswith("Saved 21 certificates for Crime, Justice and Society"), message
        assert str(certificates) in message
        serials = re.search(
            r"LT-2026-([0-9A-Z]{4})-0001 to LT-2026-\1-0021: 0 newly issued, 21 printed again",
            message,
        )
        assert serials, message
        text = text_of(certificates)
        assert len(PdfReader(certificates).pages) == 21
        assert all(name in text for name in expected.graduates)
        assert "Certificate of Achievement" in text and f"LT-2026-{serials[1]}-0021" in text
        assert not [n for n in expected.prison_numbers if n in text]
        assert "based" not in text.casefold()

        _click_kind(qtbot, screen, "Blank register for a session")
        assert screen.session.isVisibleTo(screen)
        _pick(screen, "cohort", "September")
        driver.settle()
        _pick(screen, "session", "Week 11 ")
        assert "Register week 11 Crime" in screen.target.line.text()
        register = tmp_path / "register.pdf"
        _save_as(qtbot, screen, register)
        screen.paper.setCurrentIndex(screen.paper.findText("US Letter"))
        _press_save(qtbot, driver, screen)
        assert screen.banner.text() == (
            "Saved the register for week 11 of Crime, Justice and Society: "
            f"September–December 2026 (31 people expected) to {register}."
        )
        text = text_of(register)
        assert round(float(PdfReader(register).pages[0].mediabox.width)) == 612
        assert len(expected.register_names) == 31
        assert all(name in text for name in expected.register_names)
        assert not [n for n in expected.prison_numbers if n in text]

        _click_kind(qtbot, screen, "Memberships")
        assert screen.save_button.text() == "&Save CSV"
        assert not screen.paper.isVisibleTo(screen)
        assert screen.cohort.itemText(0) == "All cohorts"
        _pick(screen, "cohort", "January")
        assert screen.target.line.text().endswith(".csv")
        memberships = tmp_path / "memberships.csv"
        _save_as(qtbot, screen, memberships)
        _press_save(qtbot, driver, screen)
        assert screen.banner.text().startswith(
            "Saved 36 rows of memberships for Crime, Justice and Society: January–March 2026 "
            f"to {memberships}"
        )
        raw = memberships.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert rows[0][:4] == ["Cohort", "Family name", "Name", "Role"] and len(rows) == 37
        family_names = {row[1] for row in rows[1:]}
        assert all(name.split()[-1] in family_names for name in expected.graduates)
        assert not [n for n in expected.prison_numbers if n in raw.decode("utf-8-sig")]


def test_a_persons_attendance_typed_by_name_and_the_guest_list(
    driver: Driver, qtbot: QtBot, tmp_path: Path
) -> None:
    screen = _open(driver)
    _click_kind(qtbot, screen, "Attendance of one person")
    assert screen.cohort.itemText(0) == "All their cohorts"
    screen.cohort.setCurrentIndex(0)
    driver.settle()
    editor = screen.person.lineEdit()
    assert isinstance(editor, QLineEdit)
    editor.clear()
    qtbot.keyClicks(editor, "Jamal Allen")
    attendance = tmp_path / "attendance.pdf"
    _save_as(qtbot, screen, attendance)
    _press_save(qtbot, driver, screen)
    assert (
        screen.banner.text() == f"Saved the attendance of Jamal Allen (1 cohort) to {attendance}."
    )
    assert "Jamal Allen" in text_of(attendance)

    editor.clear()
    qtbot.keyClicks(editor, "Nobody Here")
    _press_save(qtbot, driver, screen)
    assert screen.banner.text() == "Choose a person from the list."

    _click_kind(qtbot, screen, "Graduation guest list")
    assert screen.graduation.isVisibleTo(screen) and not screen.cohort.isVisibleTo(screen)
    assert screen.graduation.currentText().startswith("Spring 2026 graduation")
    guests = tmp_path / "guests.pdf"
    _save_as(qtbot, screen, guests)
    _press_save(qtbot, driver, screen)
    assert screen.banner.text() == (
        f"Saved the guest list for Spring 2026 graduation (15 guests, 10 cleared) to {guests}."
    )
    assert "Cleared to attend" in text_of(guests)


def test_what_cannot_be_done_is_said_plainly(driver: Driver, qtbot: QtBot, tmp_path: Path) -> None:
    screen = _open(driver)
    _click_kind(qtbot, screen, "Certificates for a cohort")
    _pick(screen, "cohort", "September")
    target = tmp_path / "certificates.pdf"
    _save_as(qtbot, screen, target)
    _press_save(qtbot, driver, screen)
    message = screen.banner.text()
    assert "has completed it yet, so there are no certificates to print" in message
    assert not target.exists()
    assert screen.save_button.isEnabled()

    _click_kind(qtbot, screen, "Cohort report")
    _save_as(qtbot, screen, tmp_path / "no such folder" / "report.pdf")
    _press_save(qtbot, driver, screen)
    assert screen.banner.text().startswith("There is no folder")
    assert not (tmp_path / "no such folder").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_a_folder_that_cannot_be_written_to_is_said_plainly(driver: Driver, qtbot: QtBot) -> None:
    screen = _open(driver)
    _click_kind(qtbot, screen, "Cohort report")
    _save_as(qtbot, screen, Path("/proc/report.pdf"))
    _press_save(qtbot, driver, screen)
    assert screen.banner.text().startswith("The document could not be written")
    assert screen.save_button.isEnabled()


def _figures_text(screen: DocumentsScreen) -> str:
    parts = [label.text() for label in screen.figures.findChildren(QLabel)]
    for table in screen.figures.findChildren(QTableWidget):
        parts += [cell for row in table_text(table) for cell in row]
    return "\n".join(parts)


def test_the_cohort_figures_are_the_cohort_reports(qtbot: QtBot, demo_dir: Path) -> None:
    expected = _expected(demo_dir)
    report = expected.spring_report
    with window_on(qtbot, demo_dir) as driver:
        screen = _open(driver)
        bar = screen.tabs.tabBar()
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
        driver.settle()
        figures = screen.figures
        figures.cohort.setCurrentIndex(
            figures.cohort.findText("January", Qt.MatchFlag.MatchContains)
        )
        driver.settle()
        assert figures.report == report

        shown = {key: label.text() for key, label in figures.key_figures.items()}
        assert report.attendance_rate is not None
        assert shown == {
            "started": "24",
            "completed": "21",
            "attendance": f"{round(report.attendance_rate * 100)}%",
            "engagement": f"{round((report.engagement_rate or 0) * 100)}%",
            "mean mark": f"{report.essays.mean:.0f}",
        }
        assert figures.in_brief.text() == " ".join(plain_summary(report))
        assert any(FOOTNOTE in label.text() for label in figures.findChildren(QLabel))
        assert figures.in_brief.text().startswith(
            "24 students began in January 2026; 21 completed the course (88%)"
        )
        assert report.started.total == 24 and report.completed.total == 21
        assert figures.numbers is not None
        assert table_text(figures.numbers) == [
            ["Started the course", *map(str, [12, 12, 24])],
            ["Completed", str(report.completed.prison), str(report.completed.university), "21"],
            ["Completion rate", "75%", "100%", "88%"],
        ]
        assert report.completed.prison == 9 and report.completed.university == 12
        assert figures.leavers.text() == (
            "3 left before the end: 1 withdrew, 1 transferred and 1 left on release."
        )

        chart = figures.attendance_chart
        assert chart.categories == [str(w.week) for w in report.weeks]
        assert chart.series == [
            [round((w.rate or 0) * 100) for w in report.weeks],
            [round((w.engagement or 0) * 100) for w in report.weeks],
        ]
        first = report.weeks[0]
        assert (
            f"Week 1: attendance {round((first.rate or 0) * 100)}%, "
            f"engagement {round((first.engagement or 0) * 100)}%"
        ) in chart.accessibleDescription()
        held = report.attendance
        assert f"({held.attended} of {held.held} sessions)" in figures.attendance_caption.text()
        assert f"({held.engaged} of {held.held})" in figures.attendance_caption.text()

        marks = figures.marks_chart
        assert marks.categories == [band.label for band in report.essays.bands]
        assert marks.series == [[band.count for band in report.essays.bands]]
        assert sum(marks.series[0]) == report.essays.agreed == 21

        (questionnaire,) = report.questionnaires
        change = table_text(figures.change_tables[questionnaire.name])
        overall = questionnaire.overall
        assert change[0][:5] == [
            "Overall",
            str(overall.pairs),
            f"{overall.mean_pre:.2f}",
            f"{overall.mean_post:.2f}",
            f"{overall.mean_change:+.2f}",
        ]
        assert [row[0] for row in change[1:]] == list(questionnaire.subscales)
        assert figures.after_course.text() == (
            "1 further study · 2 mentoring · 1 facilitating · 1 employment · 1 released, "
            "keeping in touch. People who went on to each, with their consent to being followed."
        )

        assert _unnamed_controls(figures) == []
        text = _figures_text(screen)
        named = [name for name in expected.everyone if name in text]
        assert not named, f"the figures name people: {named[:3]}"
        assert figures.comparison is None  # the partnership's first cohort
        assert not figures.comparison_heading.isVisibleTo(figures)

        # The running cohort: beside the partnership's earlier one, and quoting its stories.
        figures.cohort.setCurrentIndex(
            figures.cohort.findText("September", Qt.MatchFlag.MatchContains)
        )
        driver.settle()
        autumn = figures.report
        assert autumn is not None and autumn.earlier and autumn.quotes
        assert figures.comparison is not None
        assert table_text(figures.comparison) == comparison_rows(autumn)[1]
        assert figures.quotes.isVisibleTo(figures)
        for quote in autumn.quotes:
            assert f"“{quote.text}”" in figures.quotes.text()
        assert "Week 7 (Mon 26 Oct, lockdown" in figures.attendance_caption.text()
        text = _figures_text(screen)
        named = [name for name in expected.everyone if name in text]
        assert not named, f"the figures name people: {named[:3]}"
