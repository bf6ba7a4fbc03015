"""Laying screens out to fit a small laptop at 150 % scaling as well as a large monitor.

A row of six buttons side by side is wider than such a laptop leaves for a screen: in
a flow they take as many lines as the width needs, and columns of small groups become
rows of tiles. A form taller than the window scrolls up and down, never sideways, so
nothing is cut off and nothing pushes the window past the edge of the desktop.
"""

from __future__ import annotations

from collections.abc import Iterable

from lt_desktop.ui.qt import (
    QEvent,
    QFrame,
    QLayout,
    QLayoutItem,
    QObject,
    QRect,
    QScrollArea,
    QSize,
    QStyle,
    Qt,
    QTableView,
    QWidget,
)


class FlowLayout(QLayout):
    """Items left to right, starting a new line when the next one would not fit (after
    Qt's own flow layout example). Its height follows its width, so the layouts around
    it give it as many lines as it needs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []

    # -- what QLayout asks of every layout ----------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """All on one line, as a wide window shows them."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown)
        width += self._spacing(Qt.Orientation.Horizontal) * max(len(shown) - 1, 0)
        height = max((item.sizeHint().height() for item in shown), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        """As narrow as the widest single item: everything else can wrap."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # -- placing the items ------------------------------------------------------------

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _spacing(self, orientation: Qt.Orientation) -> int:
        """The layout's own spacing if set, else that of the layout it sits in, else the
        style's, as Qt's own layouts choose."""
        own = self.spacing()
        if own >= 0:
            return own
        outer = self.parent()
        if isinstance(outer, QLayout) and outer.spacing() >= 0:
            return outer.spacing()
        widget = self.parentWidget()
        if widget is None:
            return 6
        metric = (
            QStyle.PixelMetric.PM_LayoutHorizontalSpacing
            if orientation == Qt.Orientation.Horizontal
            else QStyle.PixelMetric.PM_LayoutVerticalSpacing
        )
        return max(widget.style().pixelMetric(metric, None, widget), 0)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items in ``rect`` line by line, each centred on its line's height (or
        only measure, when not ``move``); the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        across = self._spacing(Qt.Orientation.Horizontal)
        down = self._spacing(Qt.Orientation.Vertical)
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = area.x()
        for item in self._shown():
            size = item.sizeHint().boundedTo(item.maximumSize()).expandedTo(item.minimumSize())
            size.setWidth(min(size.width(), max(area.width(), item.minimumSize().width())))
            if lines[-1] and x + size.width() > area.right() + 1:
                lines.append([])
                x = area.x()
            lines[-1].append((item, size))
            x += size.width() + across
        y = area.y()
        for number, line in enumerate(lines):
            height = max((size.height() for _item, size in line), default=0)
            x = area.x()
            for item, size in line:
                if move:
                    top = y + (height - size.height()) // 2
                    item.setGeometry(QRect(x, top, size.width(), size.height()))
                x += size.width() + across
            y += height + (down if number < len(lines) - 1 else 0)
        return y - rect.y() + margins.bottom()


class TileLayout(FlowLayout):
    """Tiles of equal width, as many across as fit, in rows that share any height to
    spare: side by side on a large monitor, two or three rows on a small laptop."""

    def __init__(self, narrowest: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._narrowest = narrowest

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        size = super().minimumSize()
        return size.expandedTo(QSize(self._tile_width() + self._margin_width(), 0))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        shown = self._shown()
        across = self._spacing(Qt.Orientation.Horizontal)
        width = len(shown) * (self._tile_width() + across) - across if shown else 0
        height = max((item.sizeHint().height() for item in shown), default=0)
        margins = self.contentsMargins()
        return QSize(width + self._margin_width(), height + margins.top() + margins.bottom())

    def _tile_width(self) -> int:
        return max([self._narrowest] + [item.minimumSize().width() for item in self._shown()])

    def _margin_width(self) -> int:
        margins = self.contentsMargins()
        return margins.left() + margins.right()

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        across = self._spacing(Qt.Orientation.Horizontal)
        down = self._spacing(Qt.Orientation.Vertical)
        shown = self._shown()
        if not shown:
            return margins.top() + margins.bottom()
        columns = max(1, min(len(shown), (area.width() + across) // (self._tile_width() + across)))
        rows = [shown[start : start + columns] for start in range(0, len(shown), columns)]
        heights = [max(item.sizeHint().height() for item in row) for row in rows]
        needed = sum(heights) + down * (len(rows) - 1)
        if move:
            spare = max(area.height() - needed, 0)
            room = area.width() - across * (columns - 1)
            y = area.y()
            for number, (row, height) in enumerate(zip(rows, heights, strict=True)):
                height += spare // len(rows) + (1 if number < spare % len(rows) else 0)
                x = area.x()
                for column, item in enumerate(row):
                    width = room // columns + (1 if column < room % columns else 0)
                    item.setGeometry(QRect(x, y, width, height))
                    x += width + across
                y += height + down
        return needed + margins.top() + margins.bottom()


def flow(widgets: Iterable[QWidget]) -> FlowLayout:
    """A flow of ``widgets`` in the order given, as a row of buttons reads."""
    layout = FlowLayout()
    for widget in widgets:
        layout.addWidget(widget)
    return layout


class VerticalScrollArea(QScrollArea):
    """Scrolls its content up and down only. It is as narrow as the content may be (so
    the window makes room for that width instead of cutting the content off) and as
    short as a few lines. The content fills it whenever there is room to, and is
    squeezed to its least height, not its preferred one, before it starts to scroll:
    a form shows as much of itself as it can before any of it goes out of view."""

    def __init__(
        self, content: QWidget, name: str, parent: QWidget | None = None, *, framed: bool = False
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        if not framed:
            self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)
        # Qt tells the viewport when the content's size hints change, and the content
        # itself when its layout does; either changes how narrow this may be, and how
        # tall the content must be at this width.
        self.viewport().installEventFilter(self)
        content.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.LayoutRequest and watched in (self.viewport(), self.widget()):
            self.updateGeometry()
            self._fit()
        elif kind == QEvent.Type.Resize and watched is self.viewport():
            self._fit()
        return super().eventFilter(watched, event)

    def _fit(self) -> None:
        """The content as wide as the view, and as tall as the view or as the content
        needs at that width, whichever is more."""
        content = self.widget()
        if content is None:
            return
        view = self.viewport().size()
        least = content.minimumSizeHint().expandedTo(content.minimumSize())
        width = max(view.width(), least.width())
        layout = content.layout()
        if layout is not None and layout.hasHeightForWidth():
            least.setHeight(max(least.height(), layout.totalMinimumHeightForWidth(width)))
        size = QSize(width, max(view.height(), least.height())).boundedTo(content.maximumSize())
        if content.size() != size:
            content.resize(size)

    def _around(self) -> int:
        """The width the frame and the vertical scroll bar take beside the content."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return bar + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        content = self.widget()
        shortest = super().minimumSizeHint()
        if content is None:
            return shortest
        narrowest = content.minimumSizeHint().expandedTo(content.minimumSize()).width()
        return QSize(narrowest + self._around(), shortest.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        content = self.widget()
        if content is None:
            return super().sizeHint()
        wanted = content.sizeHint().expandedTo(content.minimumSizeHint())
        return QSize(wanted.width() + self._around(), wanted.height() + 2 * self.frameWidth())


def at_least_rows(table: QTableView, rows: int) -> None:
    """Keep ``rows`` rows of the table in view however short the window, for a table on
    a page that scrolls: there, a table left to shrink would show one row at a time."""
    header = table.horizontalHeader()
    height = rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth()
    if not header.isHidden():
        height += header.sizeHint().height()
    table.setMinimumHeight(height)


def fit_rows(view: QTableView, most: int) -> None:
    """As tall as its rows (at least one, at most ``most``), so a short list takes
    little room and the rest of the page keeps it."""
    shown = min(max(view.model().rowCount(), 1), most)
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
    height += shown * view.verticalHeader().defaultSectionSize()
    view.setFixedHeight(height + 2)
