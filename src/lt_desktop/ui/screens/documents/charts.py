"""Bar charts for the cohort's figures, readable in black and white and to a screen reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lt_desktop.ui.colours import bar_colours, muted_text
from lt_desktop.ui.qt import (
    QPainter,
    QPalette,
    QPen,
    QRect,
    QSize,
    Qt,
    QWidget,
)


class BarChart(QWidget):
    """Bars with their values written on them, so the chart reads in black and white and
    to a screen reader (the description says the same in words). One series is solid;
    with two, the first is outlined and the second solid, and a legend names them."""

    def __init__(self, name: str, axis_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.axis_label = axis_label
        self.categories: list[str] = []
        self.series: list[list[float]] = []
        self.legend: tuple[str, ...] = ()
        self.minimum, self.maximum, self.step = 0.0, 1.0, 1.0
        self.value_text: Callable[[float], str] = lambda v: f"{v:g}"
        self.setMinimumHeight(210)

    def set_bars(
        self,
        categories: list[str],
        series: list[list[float]],
        *,
        maximum: float,
        step: float,
        value_text: Callable[[float], str],
        minimum: float = 0.0,
        legend: tuple[str, ...] = (),
    ) -> None:
        self.categories, self.series, self.legend = categories, series, legend
        self.minimum, self.maximum, self.step = minimum, max(maximum, minimum + step), step
        self.value_text = value_text
        described = []
        for position, category in enumerate(categories):
            values = [value_text(s[position]) for s in series]
            if legend:
                values = [f"{name.lower()} {v}" for name, v in zip(legend, values, strict=True)]
            described.append(f"{self.axis_label} {category}: {', '.join(values)}")
        self.setAccessibleDescription("; ".join(described))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(600, 230)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ink = palette.color(palette.ColorRole.WindowText)
        faint = muted_text(palette)
        grid = palette.color(palette.ColorRole.Midlight)
        metrics = painter.fontMetrics()
        line = metrics.height()
        ticks = []
        value = self.minimum
        while value <= self.maximum + 1e-9:
            ticks.append(value)
            value += self.step
        left = max(metrics.horizontalAdvance(self.value_text(t)) for t in ticks) + 14
        top = 8 + line + (line + 8 if self.legend else 0)
        bottom = self.height() - 2 * line - 12
        right = self.width() - 8
        span = self.maximum - self.minimum

        def y_of(v: float) -> int:
            share = (min(max(v, self.minimum), self.maximum) - self.minimum) / span
            return int(bottom - (bottom - top) * share)

        for tick in ticks:
            y = y_of(tick)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(left, y, right, y)
            painter.setPen(faint)
            painter.drawText(
                QRect(0, y - line // 2, left - 8, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                self.value_text(tick),
            )
        if self.legend:
            x = left
            for position, name in enumerate(self.legend):
                box = line - 4
                self._bar(painter, x, 8 + 2, box, box, position, ink)
                painter.setPen(ink)
                painter.drawText(x + box + 6, 8 + line - 3, name)
                x += box + 16 + metrics.horizontalAdvance(name)
        count = max(len(self.categories), 1)
        slot = (right - left) / count
        group = slot * 0.72
        width = group / max(len(self.series), 1)
        small = painter.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        for position, category in enumerate(self.categories):
            x0 = left + position * slot + (slot - group) / 2
            for number, values in enumerate(self.series):
                value = values[position]
                x = int(x0 + number * width)
                y = y_of(value)
                self._bar(painter, x, y, int(width) - 2, bottom - y, number, ink)
                painter.save()
                painter.setFont(small)
                painter.setPen(ink)
                painter.drawText(
                    QRect(x - 10, y - line - 1, int(width) + 18, line),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                    self.value_text(value),
                )
                painter.restore()
            painter.setPen(ink)
            label = metrics.elidedText(category, Qt.TextElideMode.ElideRight, int(slot) - 2)
            painter.drawText(
                QRect(int(left + position * slot), bottom + 4, int(slot), line),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                label,
            )
        painter.setPen(QPen(ink, 1))
        painter.drawLine(left, bottom, right, bottom)
        painter.setPen(faint)
        painter.drawText(
            QRect(left, bottom + line + 8, right - left, line),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
            self.axis_label,
        )
        painter.end()

    def _bar(
        self, painter: QPainter, x: int, y: int, width: int, height: int, series: int, ink: Any
    ) -> None:
        if height <= 0:
            return
        if len(self.series) == 1:
            painter.fillRect(x, y, width, height, bar_colours(self.palette())[0])
        elif series == 0:
            painter.fillRect(x, y, width, height, self.palette().color(QPalette.ColorRole.Base))
            painter.setPen(QPen(ink, 1))
            painter.drawRect(x, y, width, height)
        else:
            painter.fillRect(x, y, width, height, ink)


def nice_top(value: float) -> int:
    """A round axis top a little above ``value``."""
    for top in (4, 8, 12, 20, 40, 60, 80, 100, 200, 400, 1000):
        if value < top:
            return top
    return int(value * 1.2) + 1
