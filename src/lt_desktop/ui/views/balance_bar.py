"""The balance bar: prison- and university-based students side by side, against the target
of equal numbers, for a cohort or its applications."""

from __future__ import annotations

from typing import Any

from lt_desktop.core.services.programme import Balance
from lt_desktop.ui.colours import bar_colours
from lt_desktop.ui.qt import QPainter, QSize, QWidget


class BalanceBar(QWidget):
    """Prison- and university-based students side by side, against the target of equal
    numbers. The sentence beside it says the same in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.balance = Balance()
        self.capacity = 0
        self.setMinimumHeight(18)
        self.setAccessibleName("Balance of students")

    def set_balance(self, balance: Balance, capacity: int) -> None:
        self.balance, self.capacity = balance, capacity
        self.setAccessibleDescription(describe_balance(balance, capacity))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(240, 18)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        rect = self.rect().adjusted(0, 2, -1, -3)
        total = max(self.capacity, self.balance.total, 1)
        painter.setPen(self.palette().color(self.palette().ColorRole.Mid))
        painter.drawRect(rect)
        left = int(rect.width() * self.balance.prison / total)
        right = int(rect.width() * self.balance.university / total)
        prison, university = bar_colours(self.palette())
        painter.fillRect(rect.x() + 1, rect.y() + 1, left, rect.height() - 1, prison)
        gap = 2 if left and right else 0  # the window shows between the two shades
        painter.fillRect(
            rect.x() + 1 + left + gap, rect.y() + 1, right - gap, rect.height() - 1, university
        )
        middle = rect.x() + rect.width() // 2
        painter.setPen(self.palette().color(self.palette().ColorRole.WindowText))
        painter.drawLine(middle, rect.y() - 2, middle, rect.bottom() + 2)
        painter.end()


def describe_balance(balance: Balance, capacity: int) -> str:
    text = f"{balance.describe()} ({balance.total} of {capacity} places)."
    if balance.total == 0:
        return "No students enrolled yet."
    if balance.is_balanced:
        return text + " Balanced."
    more = "university" if balance.difference > 0 else "prison"
    return text + f" {abs(balance.difference)} more {more}-based would balance it."
