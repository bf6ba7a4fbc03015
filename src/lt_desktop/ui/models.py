"""Table models over lists of the services' records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from lt_desktop.ui.qt import QAbstractTableModel, QFont, QModelIndex, QPersistentModelIndex, Qt

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    sort_key: Callable[[Row], Any] | None = None
    align_right: bool = False
    tooltip: Callable[[Row], str] | None = None
    #: A tint behind the cell; only ever a help beside words that carry the meaning.
    background: Callable[[Row], Any] | None = None
    #: A font for the cell (e.g. bold), given the view's own font.
    font: Callable[[Row, Any], Any] | None = None


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    """Rows are the services' frozen records; each column says how to show one."""

    def __init__(self, columns: Sequence[Column[Row]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Row] = []

    # -- Qt's model API ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return column.sort_key(row) if column.sort_key else column.text(row).casefold()
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column.background:
            return column.background(row)
        if role == Qt.ItemDataRole.FontRole and column.font:
            return column.font(row, QFont())
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        return None

    # -- ours ----------------------------------------------------------------------------

    @property
    def rows(self) -> list[Row]:
        return self._rows

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def replace_row(self, position: int, row: Row) -> None:
        self._rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, self.columnCount() - 1))

    def row_at(self, index: Index) -> Row | None:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self._rows[index.row()]

    def clear(self) -> None:
        self.set_rows([])
