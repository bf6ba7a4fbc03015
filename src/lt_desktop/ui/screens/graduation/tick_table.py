"""A table whose first column is a tick box, for who came on the day."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic

from lt_desktop.ui.models import Column, Index, RecordTableModel, Row
from lt_desktop.ui.qt import Qt


class TickTableModel(RecordTableModel[Row], Generic[Row]):
    """Records with a tick box in the first column (say, who attended). Ticking asks
    ``on_tick``; the box changes when the store says it has."""

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        *,
        ticked: Callable[[Row], bool | None],
        can_tick: Callable[[Row], bool],
        on_tick: Callable[[Row, bool], None],
    ) -> None:
        super().__init__(columns)
        self._ticked, self._can_tick, self._on_tick = ticked, can_tick, on_tick

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        row = self.row_at(index)
        if index.column() == 0 and row is not None and self._can_tick(row):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if index.column() == 0 and row is not None and self._can_tick(row):
            # The box says it; the words are for rows that cannot be ticked.
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if self._ticked(row) else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.DisplayRole:
                return ""
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row = self.row_at(index)
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0 or row is None:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
        self._on_tick(row, checked)
        return True


def attended_text(attended: bool | None) -> str:
    return {True: "Attended", False: "Did not attend", None: ""}[attended]
