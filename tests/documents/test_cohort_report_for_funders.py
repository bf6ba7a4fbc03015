"""The cohort report as funders read it: a summary in plain words first, the cohort beside
the partnership's earlier ones, progression when there are figures, and a few words from
weekly stories, quoted only with consent to quotation and never with a name.

Made from the demo store and read back as a reader would: the text of the PDF.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from lt_desktop.core.services.attendance import FOOTNOTE
from lt_desktop.core.services.documents.cohort_summary import comparison_rows, plain_summary
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.cohort_report import write_cohort_report
from lt_desktop.documents.registers import write_register_sheet
from lt_desktop.domain.vocabulary import ConsentScope, SessionKind
from lt_desktop.storage.models import Person

DEMO_TODAY = date(2026, 11, 23)


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def _cohorts(demo: Workspace) -> tuple[CohortInfo, CohortInfo]:
    spring, autumn = sorted(demo.programme.list_cohorts(), key=lambda c: c.starts_on)
    return spring, autumn


def _names_and_research_ids(demo: Workspace) -> list[str]:
    with demo.store.read() as session:
        people = session.scalars(select(Person)).all()
        return [p.display_name for p in people] + [p.research_id for p in people if p.research_id]


def test_the_report_opens_with_a_summary_in_plain_words(demo: Workspace, tmp_path: Path) -> None:
    spring, _ = _cohorts(demo)
    report = demo.documents.cohort_report(spring.id, today=DEMO_TODAY)
    summary = plain_summary(report)
    assert summary[0] == (
        "24 students began in January 2026; 21 completed the course (88%) "
        "and 3 left before the end."
    )
    attendance, engagement = report.attendance_rate, report.engagement_rate
    assert attendance is not None and engagement is not None
    assert summary[1] == (
        f"Attendance was {round(attendance * 100)}% and engagement "
        f"{round(engagement * 100)}%, over the 10 sessions held."
    )
    assert (
        summary[2] == f"21 essays were received; the mean agreed mark was {report.essays.mean:.0f}."
    )
    target = tmp_path / "report.pdf"
    write_cohort_report(target, report)
    text = _text(target)
    opening = text.index("In brief")
    assert opening < text.index("Students and staff") < text.index("Attendance by week")
    for sentence in summary:
        assert sentence in text, sentence
    assert FOOTNOTE in text
    assert "engagement" in text[: text.index("Students and staff")]


def test_the_running_cohort_is_set_beside_the_partnerships_earlier_ones(
    demo: Workspace, tmp_path: Path
) -> None:
    spring, autumn = _cohorts(demo)
    earlier = demo.documents.cohort_report(spring.id, today=DEMO_TODAY)
    assert earlier.earlier == []  # the partnership's first cohort
    report = demo.documents.cohort_report(autumn.id, today=DEMO_TODAY)
    (line,) = report.earlier
    assert (line.cohort_id, line.title) == (spring.id, "January–March 2026")
    assert (line.started, line.completed, line.taking_part) == (24, 21, 0)
    assert line.attendance == earlier.attendance
    assert line.mean_mark == earlier.essays.mean
    header, rows = comparison_rows(report)
    attendance, engagement = earlier.attendance_rate, earlier.engagement_rate
    assert attendance is not None and engagement is not None
    assert header == ["Cohort", "Started", "Completed", "Attendance", "Engagement", "Mean mark"]
    assert rows[0] == [
        "January–March 2026",
        "24",
        "21 (88%)",
        f"{round(attendance * 100)}%",
        f"{round(engagement * 100)}%",
        f"{earlier.essays.mean:.0f}",
    ]
    assert rows[1][:3] == ["September–December 2026 (this cohort)", "24", "under way"]
    assert plain_summary(report)[-1].startswith(
        "The partnership's previous cohort (January–March 2026) had attendance of "
    )

    # A cohort after one still under way is not told how many completed it: not yet known.
    course = demo.programme.list_courses()[0]
    following = demo.programme.add_cohort(
        course_id=course.id,
        name="Spring 2027",
        starts_on=date(2027, 1, 4),
        ends_on=date(2027, 3, 29),
    )
    after = demo.documents.cohort_report(following.id, today=DEMO_TODAY)
    assert plain_summary(after)[-1].startswith(
        "The partnership's previous cohort (September–December 2026), still under way, has "
        "attendance of "
    )
    assert "completed it" not in " ".join(plain_summary(after))

    # A cohort that had not ended when this one began, or another partnership's, is not
    # an earlier cohort of this one.
    course = demo.programme.list_courses()[0]
    demo.programme.add_cohort(
        course_id=course.id,
        name="Summer 2026",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 9, 21),
    )
    other = demo.programme.add_partnership(
        name="Elsewhere LT", prison_name="HMP Elsewhere", university_name="Elsewhere"
    )
    elsewhere = demo.programme.add_course(partnership_id=other.id, title="Philosophy")
    demo.programme.add_cohort(
        course_id=elsewhere.id,
        name="Spring 2025",
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 3, 17),
    )
    again = demo.documents.cohort_report(autumn.id, today=DEMO_TODAY)
    assert [c.title for c in again.earlier] == ["January–March 2026"]

    target = tmp_path / "report.pdf"
    write_cohort_report(target, report)
    text = _text(target)
    assert "Compared with earlier cohorts" in text
    assert f"January–March 2026 24 21 (88%) {rows[0][3]} {rows[0][4]} {rows[0][5]}" in text
    assert "Week 7 (Mon 26 Oct, lockdown: after an incident on the wings) was cancelled" in text


def test_after_the_course_says_so_when_nothing_is_recorded_yet(
    demo: Workspace, tmp_path: Path
) -> None:
    _, autumn = _cohorts(demo)
    report = demo.documents.cohort_report(autumn.id, today=DEMO_TODAY)
    assert report.progression == []  # the running cohort: no one has left it yet
    plain = tmp_path / "plain.pdf"
    write_cohort_report(plain, report)
    assert (
        "After the course Nothing is recorded yet of what students went on to do after the "
        "course." in _text(plain)
    )
    given = replace(report, progression=[("Further study", 6), ("Mentoring", 4)])
    target = tmp_path / "progression.pdf"
    write_cohort_report(target, given)
    text = _text(target)
    assert "After the course 6 4 Further study Mentoring" in text
    assert "Nothing is recorded yet" not in text


def test_quotes_only_those_who_agreed_to_be_quoted_and_never_names_them(
    demo: Workspace, tmp_path: Path
) -> None:
    _, autumn = _cohorts(demo)
    sessions = demo.programme.list_sessions(autumn.id)
    week = next(
        s
        for s in sessions
        if not s.marks_taken and not s.is_cancelled and s.kind is not SessionKind.GRADUATION
    )
    sheet = demo.stories.week(week.id)
    writers = [line.person_id for line in sheet.lines if line.may_have_story]
    never, withdrew, agreed = writers[:3]
    for person_id in (never, withdrew, agreed):
        state = {s.scope: s for s in demo.consent.states(person_id)}[ConsentScope.QUOTATION]
        if state.active:
            demo.consent.withdraw(person_id, ConsentScope.QUOTATION, on=date(2026, 11, 1))
        if person_id != never:
            demo.consent.record(person_id, ConsentScope.QUOTATION, given_on=date(2026, 11, 2))
    demo.consent.withdraw(withdrew, ConsentScope.QUOTATION, on=date(2026, 11, 20))
    said = {
        never: "I never agreed to anyone quoting these words of mine.",
        withdrew: "I agreed to be quoted once and then I changed my mind.",
        agreed: "The small group made me feel my ideas were worth hearing.",
    }
    question = sheet.questions[0].id
    for person_id, words in said.items():
        demo.stories.save(week.id, person_id, text="A story.", answers={question: words})

    report = demo.documents.cohort_report(autumn.id, today=DEMO_TODAY)
    quoted = [q.text for q in report.quotes]
    assert quoted[0] == said[agreed]  # the most recent week first
    assert said[never] not in quoted and said[withdrew] not in quoted
    assert 1 <= len(quoted) <= 3 and len(set(quoted)) == len(quoted)
    assert report.quotes[0].week == week.week
    assert report.quotes[0].question == sheet.questions[0].text

    target = tmp_path / "report.pdf"
    write_cohort_report(target, report)
    text = _text(target)
    assert "In their words" in text and f"“{said[agreed]}”" in text
    assert said[never] not in text and said[withdrew] not in text
    named = [
        name for name in _names_and_research_ids(demo) if re.search(rf"\b{re.escape(name)}\b", text)
    ]
    assert not named, f"the report names people: {named}"

    # Consent to the weekly stories themselves withdrawn: their words are not quoted either.
    demo.consent.withdraw(agreed, ConsentScope.STORIES, on=date(2026, 11, 23))
    after = demo.documents.cohort_report(autumn.id, today=DEMO_TODAY)
    assert said[agreed] not in [q.text for q in after.quotes]


def test_the_demo_report_quotes_a_few_stories(demo: Workspace) -> None:
    for cohort in _cohorts(demo):
        report = demo.documents.cohort_report(cohort.id, today=DEMO_TODAY)
        assert len(report.quotes) == 3, cohort.name


def test_a_register_printed_for_a_cancelled_week_says_so_and_why(
    demo: Workspace, tmp_path: Path
) -> None:
    _, autumn = _cohorts(demo)
    week_7 = next(s for s in demo.programme.list_sessions(autumn.id) if s.week == 7)
    sheet = demo.documents.register_sheet(week_7.id)
    assert sheet.cancelled == "lockdown: after an incident on the wings"
    target = tmp_path / "register.pdf"
    write_register_sheet(target, sheet)
    text = _text(target)
    assert "Week 7 · cancelled" in text and "Not a register" in text
    assert "This session was cancelled (lockdown: after an incident on the wings)." in text
    assert "no one is marked absent" in text
    for label in ("Present", "Absent", "Facilitator's signature", "Not on the list"):
        assert label not in text
    names = [p.name for g in sheet.groups for p in g.people]
    assert names and not [name for name in names if name in text]
