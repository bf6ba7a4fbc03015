"""The cohort report's words: the short summary it opens with, in plain language, and the
table setting the cohort beside the partnership's earlier ones. The report and the app's
Cohort figures tab show the same words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lt_desktop.core.services.documents.cohort_comparison import CohortFiguresLine
from lt_desktop.core.services.documents.common import cancelled_in_words
from lt_desktop.domain.wording import counted, percent

if TYPE_CHECKING:
    from lt_desktop.core.services.documents.cohort_report import CohortReport


def plain_summary(report: CohortReport) -> list[str]:
    """The report's opening, in plain words: who began and finished, attendance and
    engagement, essays, and how the cohort compares with the partnership's last one.
    One sentence an item; the report and the app show the same."""
    sentences = [_who_took_part(report), _how_they_attended(report)]
    if report.cancelled:
        sentences.append(cancelled_in_words(report.cancelled))
    essays = report.essays
    if essays.agreed and essays.mean is not None:
        sentences.append(
            f"{counted(essays.received, 'essay was', 'essays were')} received; the mean "
            f"agreed mark was {essays.mean:.0f}."
        )
    change = _questionnaire_change(report)
    if change:
        sentences.append(change)
    if report.earlier:
        sentences.append(_against_the_last(report, report.earlier[-1]))
    return sentences


def comparison_rows(report: CohortReport) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the table setting the cohort beside the partnership's
    earlier cohorts (the report and the app show the same); empty when there are none."""
    if not report.earlier:
        return [], []
    header = ["Cohort", "Started", "Completed", "Attendance", "Engagement", "Mean mark"]
    rows = []
    for line in [*report.earlier, report.as_line()]:
        mean = "–" if line.mean_mark is None else f"{line.mean_mark:.0f}"
        this = line.cohort_id == report.heading.cohort_id
        rows.append(
            [
                f"{line.title} (this cohort)" if this else line.title,
                str(line.started),
                "under way"
                if line.taking_part
                else f"{line.completed} ({percent(line.completion_rate)})",
                percent(line.attendance.attendance),
                percent(line.attendance.engagement),
                mean,
            ]
        )
    return header, rows


def _who_took_part(report: CohortReport) -> str:
    began = f"{counted(report.started.total, 'student', 'students')} began in " + (
        f"{report.heading.starts_on:%B %Y}"
    )
    if not report.started.total:
        return "No student has started the course yet."
    if report.still_taking_part:
        text = f"{began}; {report.still_taking_part} {_are(report.still_taking_part)} taking part"
        if report.completed.total:
            text += f" and {report.completed.total} {_have(report.completed.total)} completed"
        if report.left:
            text += f", and {report.left} left before the end"
        return text + "."
    text = (
        f"{began}; {report.completed.total} completed the course "
        f"({percent(report.completion_rate)})"
    )
    if report.left:
        text += f" and {report.left} left before the end"
    return text + "."


def _how_they_attended(report: CohortReport) -> str:
    figures = report.attendance
    if not figures.held:
        return "No register has been taken yet."
    held = counted(len(report.weeks), "session", "sessions")
    was = "so far is" if report.still_taking_part else "was"
    return (
        f"Attendance {was} {percent(figures.attendance)} and engagement "
        f"{percent(figures.engagement)}, over the {held} held."
    )


def _questionnaire_change(report: CohortReport) -> str:
    for figures in report.questionnaires:
        overall = figures.overall
        if overall.pairs and overall.mean_pre is not None and overall.mean_post is not None:
            scale = f" (1 to {figures.scale_points})" if figures.scale_points else ""
            return (
                f"On “{figures.name}”, the {counted(overall.pairs, 'person', 'people')} who "
                f"answered before and after the course moved on average from "
                f"{overall.mean_pre:.1f} to {overall.mean_post:.1f}{scale}."
            )
    return ""


def _against_the_last(report: CohortReport, last: CohortFiguresLine) -> str:
    figures = (
        f"attendance of {percent(last.attendance.attendance)} and engagement "
        f"{percent(last.attendance.engagement)}"
    )
    if last.taking_part:
        # Not ended yet: how many completed it is not known, and "0 of 24" would mislead.
        return (
            f"The partnership's previous cohort ({last.title}), still under way, has "
            f"{figures} so far."
        )
    return (
        f"The partnership's previous cohort ({last.title}) had {figures}; "
        f"{last.completed} of {last.started} students completed it."
    )


def _are(n: int) -> str:
    return "is still" if n == 1 else "are still"


def _have(n: int) -> str:
    return "has" if n == 1 else "have"
