"""The table of a cohort's applications, ranked, filtered and sorted."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from lt_desktop.core.services.applications import ApplicationRow
from lt_desktop.domain.vocabulary import ApplicationDecision
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import Qt

#: What each decision is called in the list, in words staff use.
DECISION_WORDS = {
    ApplicationDecision.PENDING: "To decide",
    ApplicationDecision.OFFERED: "Offered",
    ApplicationDecision.WAITING_LIST: "Waiting list",
    ApplicationDecision.DECLINED: "Declined",
    ApplicationDecision.ACCEPTED: "Accepted",
    ApplicationDecision.OFFER_DECLINED: "Offer turned down",
    ApplicationDecision.WITHDRAWN: "Withdrawn",
}


def _score_text(row: ApplicationRow, most: int) -> str:
    return "—" if row.score is None else f"{row.score:g} / {most}"


class ApplicationsModel(RecordTableModel[ApplicationRow]):
    """Every application of a cohort, filtered and sorted in memory: the list stays quick
    with thousands of rows, and sorting or filtering never asks the store again."""

    def __init__(self, parent: Any = None) -> None:
        self.most_score = 20
        super().__init__(
            [
                Column("Name", lambda r: r.name, sort_key=lambda r: r.sort_name.casefold()),
                Column("Reference", lambda r: r.reference),
                Column(
                    "Received",
                    lambda r: f"{r.received_on:%d %b %Y}",
                    sort_key=lambda r: r.received_on.toordinal(),
                ),
                Column(
                    "Score",
                    lambda r: _score_text(r, self.most_score),
                    sort_key=lambda r: -1.0 if r.score is None else r.score,
                    align_right=True,
                ),
                Column(
                    "Assessed",
                    lambda r: f"{r.assessors} of 2" if r.assessors else "—",
                    sort_key=lambda r: r.assessors,
                ),
                Column(
                    "Decision",
                    lambda r: DECISION_WORDS[r.decision],
                    sort_key=lambda r: list(DECISION_WORDS).index(r.decision),
                ),
                Column(
                    "Decided",
                    lambda r: f"{r.decided_on:%d %b}" if r.decided_on else "",
                    sort_key=lambda r: r.decided_on.toordinal() if r.decided_on else 0,
                ),
            ],
            parent,
        )
        self._all: list[ApplicationRow] = []
        self._search: dict[uuid.UUID, str] = {}
        self._text = ""
        self._decision: ApplicationDecision | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def all_rows(self) -> list[ApplicationRow]:
        """Every application of the cohort, whatever the filter shows."""
        return self._all

    def set_all(self, rows: Sequence[ApplicationRow]) -> None:
        self._all = list(rows)
        self._search = {row.id: row.search_text for row in rows}
        self._apply()

    def set_filter(self, text: str, decision: ApplicationDecision | None) -> None:
        self._text, self._decision = text, decision
        self._apply()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order) if 0 <= column < self.columnCount() else None
        self._apply()

    def update_row(self, row: ApplicationRow) -> None:
        """One application changed: show it in place, without reloading the list."""
        self._all = [row if r.id == row.id else r for r in self._all]
        position = self.position_of(row.id)
        if position is not None:
            self.replace_row(position, row)

    def position_of(self, application_id: uuid.UUID) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == application_id), None)

    def _sort_key(self, column: int) -> Callable[[ApplicationRow], Any]:
        spec = self._columns[column]
        if spec.sort_key is not None:
            return spec.sort_key
        return lambda row: spec.text(row).casefold()

    def _apply(self) -> None:
        words = self._text.casefold().split()
        shown = [
            row
            for row in self._all
            if (self._decision is None or row.decision is self._decision)
            and all(word in self._search[row.id] for word in words)
        ]
        if self._sort is not None:
            column, order = self._sort
            shown.sort(key=self._sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.set_rows(shown)
