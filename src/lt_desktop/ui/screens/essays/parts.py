"""Small pieces the Essays views are built from: marks as text, and the box a mark is typed in."""

from __future__ import annotations

import math

from lt_desktop.core.services.essays import EssayRow
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import MarkPosition
from lt_desktop.ui.qt import QLineEdit
from lt_desktop.ui.widgets import Banner, Tone


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:g}"


def mark_of(essay: EssayRow, position: MarkPosition) -> float | None:
    mark = essay.marks.get(position)
    return None if mark is None else mark.score


def mark_text(score: float | None) -> str:
    return "" if score is None else f"{score:g}"


class MarkField(QLineEdit):
    """A mark out of 100, as typed. It stays empty until a mark is typed, since an
    empty mark is no mark at all: never 0."""

    def __init__(self, score: float | None = None) -> None:
        super().__init__(mark_text(score))
        self.setPlaceholderText("0 to 100")
        self.setMaxLength(6)
        self.setMaximumWidth(120)

    def set_mark(self, score: float | None) -> None:
        self.setText(mark_text(score))
        self.setModified(False)

    def mark(self) -> float | None:
        """The mark typed, or None when the field is empty."""
        text = self.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ValidationError(
                f"“{self.text().strip()}” is not a mark: type a number from 0 to 100."
            )
        return value

    def mark_or_say_why(self, banner: Banner, missing: str) -> float | None:
        """The mark typed; or, when there is none or it is not a mark, None, with the
        reason shown on ``banner`` and the cursor back in this field."""
        try:
            score = self.mark()
        except ValidationError as error:
            message = str(error)
        else:
            if score is not None:
                return score
            message = missing
        banner.show_message(message, Tone.ERROR)
        self.setFocus()
        return None
