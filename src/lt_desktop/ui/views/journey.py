"""The journey view: a person's way through the programme, stage by stage, step by step."""

from __future__ import annotations

from typing import Any

from lt_desktop.core.services.mentoring import Journey, JourneyStage, JourneyStep
from lt_desktop.ui.colours import muted_text, reached_stage_colours
from lt_desktop.ui.qt import QEvent, QFrame, QHBoxLayout, QLabel, Qt, QVBoxLayout, QWidget


def describe_step(step: JourneyStep) -> str:
    parts = [f"{step.on:%d %b %Y}", step.what]
    if step.where:
        parts.append(step.where)
    if step.detail:
        parts.append(step.detail)
    return " · ".join(parts)


def stage_text(journey: Journey, stage: JourneyStage) -> str:
    """What one box of the strip says: the stage, and when and where it was first reached."""
    steps = journey.reached(stage)
    if not steps:
        return f"{stage.label}\nnot yet"
    first = steps[0]
    lines = [f"✓\u00a0{stage.label}", f"{first.on:%d %b %Y}".replace(" ", "\u00a0")]
    if first.cohort:
        lines.append(first.cohort)
    if len(steps) > 1:
        lines.append(f"and {len(steps) - 1} more")
    return "\n".join(lines)


#: Room between the boxes and arrows of the journey strip, in pixels.
_STRIP_SPACING = 4


class JourneyView(QWidget):
    """A person's way through the programme: a strip of the five stages, each marked
    when reached, and every dated step below it. Where room is short the strip is
    left out and the steps say it all."""

    def __init__(self, parent: QWidget | None = None, *, strip: bool = True) -> None:
        super().__init__(parent)
        self.boxes: dict[JourneyStage, QLabel] = {}
        self._arrows: list[QLabel] = []
        self._journey: Journey | None = None
        self._wants_strip = strip
        self._strip_needs = 0  # the width below which the strip would cut words off
        self.strip = QWidget()
        if not strip:
            self.strip.hide()  # hidden, never shown: it has no window yet
        row = QHBoxLayout(self.strip)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(_STRIP_SPACING)
        for n, stage in enumerate(JourneyStage):
            if n:
                arrow = QLabel("→")
                arrow.setAccessibleName("then")
                row.addWidget(arrow)
                self._arrows.append(arrow)
            box = QLabel()
            box.setObjectName("journeyStage")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.setWordWrap(True)
            box.setFrameShape(QFrame.Shape.StyledPanel)
            box.setMinimumWidth(72)
            box.setMargin(6)
            row.addWidget(box, 1)
            self.boxes[stage] = box
        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.PlainText)
        self.steps.setWordWrap(True)
        self.steps.setAccessibleName("Steps of the journey")
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.strip)
        layout.addWidget(self.steps)
        self.set_journey(None)

    def set_journey(self, journey: Journey | None) -> None:
        self._journey = journey
        for stage, box in self.boxes.items():
            text = stage_text(journey, stage) if journey else f"{stage.label}\nnot yet"
            box.setText(text)
            box.setAccessibleName(
                text.replace("\n", ", ").replace("✓\u00a0", "").replace("\u00a0", " ")
            )
        self._colour_stages()
        self._fit_stages()
        if journey is None or not journey.steps:
            self.steps.setText("No steps on the Learning Together pathway yet.")
        else:
            self.steps.setText("\n".join(describe_step(s) for s in journey.steps))

    def _colour_stages(self) -> None:
        palette = self.palette()
        background, text, border = (c.name() for c in reached_stage_colours(palette))
        quiet = muted_text(palette).name()
        for stage, box in self.boxes.items():
            reached = self._journey is not None and bool(self._journey.reached(stage))
            box.setStyleSheet(
                f"QLabel {{ background: {background}; color: {text}; font-weight: bold; "
                f"border: 1px solid {border}; border-radius: 6px; }}"
                if reached
                else f"QLabel {{ color: {quiet}; "
                "border: 1px dashed palette(mid); border-radius: 6px; }"
            )

    def _fit_stages(self) -> None:
        """Measure the room the strip needs for each stage's longest word, so that with
        larger text it is left out rather than showing words cut in half."""
        needs = sum(arrow.sizeHint().width() for arrow in self._arrows)
        for box in self.boxes.values():
            box.ensurePolished()
            metrics = box.fontMetrics()
            longest = max((metrics.horizontalAdvance(w) for w in box.text().split()), default=0)
            needs += max(72, longest + 2 * (box.margin() + box.frameWidth()) + 4)
        gaps = len(self.boxes) + len(self._arrows) - 1
        self._strip_needs = needs + gaps * _STRIP_SPACING
        self._place_strip()

    def _place_strip(self) -> None:
        fits = self.width() >= self._strip_needs
        if self._wants_strip and fits != self.strip.isVisibleTo(self):
            self.strip.setVisible(fits)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._place_strip()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._colour_stages()
        elif event.type() == QEvent.Type.FontChange:
            self._fit_stages()
        super().changeEvent(event)

    def text(self) -> str:
        """Everything the view says, in reading order (for tests and screen readers)."""
        return "\n".join([*(b.text() for b in self.boxes.values()), self.steps.text()])
