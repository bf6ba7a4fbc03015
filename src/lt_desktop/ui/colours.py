"""Colours that stay readable on a light desktop and on a dark one.

Every colour here starts from the palette the desktop gives the app. Tints come from a
light or a dark set, chosen by whether the window colour is dark; text is then checked
against what it sits on and, if a desktop theme would make it faint, darkened or
lightened just enough to reach the contrast WCAG AA asks of body text (4.5:1).
Meaning never rests on colour alone: messages carry a symbol and words, charts their
values and a description.
"""

from __future__ import annotations

from lt_desktop.ui.qt import QColor, QPalette

#: WCAG AA for body text.
BODY_TEXT_CONTRAST = 4.5

_BLACK, _WHITE = QColor("#000000"), QColor("#ffffff")

#: Message tints, (background, text), for a light and for a dark desktop.
_TONES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "info": (("#e8f0fb", "#1f4f8f"), ("#1d2f47", "#bcd6f6")),
    "good": (("#e6f4ea", "#1e6b34"), ("#1a3323", "#b4e3c1")),
    "warning": (("#fff4e0", "#7a4b00"), ("#3b2c10", "#f4d69c")),
    "error": (("#fdecea", "#8f1f1f"), ("#45201f", "#f7bfbb")),
}

#: A reached stage of someone's journey, (background, text, border).
_REACHED = (("#e6f4ea", "#1e4d2b", "#6a9e79"), ("#1a3323", "#c3ead0", "#5f9c72"))

#: Filled bars, (strong, soft): a strong and a softer shade of one blue.
_BARS = (("#1f3a66", "#42659a"), ("#c6dcfc", "#7ea6dc"))


def relative_luminance(colour: QColor) -> float:
    """WCAG's relative luminance, 0 for black to 1 for white."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG's contrast ratio, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark(palette: QPalette) -> bool:
    """Whether the desktop is in a dark mode, judged by the window colour itself."""
    return relative_luminance(palette.color(QPalette.ColorRole.Window)) < 0.18


def blend(colour: QColor, towards: QColor, share: float) -> QColor:
    """``colour`` moved ``share`` (0 to 1) of the way to ``towards``."""
    return QColor.fromRgbF(
        colour.redF() + (towards.redF() - colour.redF()) * share,
        colour.greenF() + (towards.greenF() - colour.greenF()) * share,
        colour.blueF() + (towards.blueF() - colour.blueF()) * share,
    )


def opaque(colour: QColor, background: QColor) -> QColor:
    """How a see-through colour looks drawn on ``background``."""
    return blend(background, QColor(colour.red(), colour.green(), colour.blue()), colour.alphaF())


def readable(colour: QColor, background: QColor, minimum: float = BODY_TEXT_CONTRAST) -> QColor:
    """``colour`` as it is when it can be read on ``background``, else moved towards
    black or white (whichever stands out more) just far enough that it can."""
    colour = opaque(colour, background)
    if contrast_ratio(colour, background) >= minimum:
        return colour
    darker = contrast_ratio(_BLACK, background) >= contrast_ratio(_WHITE, background)
    extreme = _BLACK if darker else _WHITE
    for step in range(1, 21):
        moved = blend(colour, extreme, step / 20)
        if contrast_ratio(moved, background) >= minimum:
            return moved
    return extreme


def _pick(palette: QPalette, pair: tuple[tuple[str, ...], tuple[str, ...]]) -> list[QColor]:
    return [QColor(name) for name in pair[1 if is_dark(palette) else 0]]


def tone_colours(tone: str, palette: QPalette) -> tuple[QColor, QColor]:
    """(background, text) of a message of ``tone``: "info", "good", "warning" or "error"."""
    background, text = _pick(palette, _TONES[tone])
    return background, readable(text, background)


def muted_text(palette: QPalette) -> QColor:
    """Quieter text for hints and empty lists, still readable on the window and on
    fields and lists."""
    colour = palette.color(QPalette.ColorRole.PlaceholderText)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        colour = readable(colour, palette.color(role))
    return colour


def card_background(palette: QPalette) -> QColor:
    """Behind a card of fields (the sign-in form): the field colour on a light desktop,
    the window colour on a dark one, where fields are darker wells."""
    return palette.color(QPalette.ColorRole.Window if is_dark(palette) else QPalette.ColorRole.Base)


def reached_stage_colours(palette: QPalette) -> tuple[QColor, QColor, QColor]:
    """(background, text, border) of a stage someone has reached."""
    background, text, border = _pick(palette, _REACHED)
    return background, readable(text, background), border


def bar_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """(strong, soft) fills for bars drawn on the window, each standing out from it."""
    window = palette.color(QPalette.ColorRole.Window)
    strong, soft = (readable(colour, window) for colour in _pick(palette, _BARS))
    return strong, soft


#: A dark desktop theme like the ones Windows and Linux desktops offer: what the
#: colours here are checked against, and how the pictures of dark mode are made.
_DARK_DESKTOP = {
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e8e8e8",
    QPalette.ColorRole.Base: "#1e1e1e",
    QPalette.ColorRole.AlternateBase: "#262626",
    QPalette.ColorRole.Text: "#e8e8e8",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e8e8e8",
    QPalette.ColorRole.Highlight: "#3d7fd6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#7a7a7a",
    QPalette.ColorRole.ToolTipBase: "#353535",
    QPalette.ColorRole.ToolTipText: "#e8e8e8",
    QPalette.ColorRole.Light: "#505050",
    QPalette.ColorRole.Midlight: "#3c3c3c",
    QPalette.ColorRole.Mid: "#5a5a5a",
    QPalette.ColorRole.Dark: "#1a1a1a",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Link: "#8ab4f8",
}


def dark_palette() -> QPalette:
    """A dark desktop theme, as a palette."""
    palette = QPalette()
    for role, name in _DARK_DESKTOP.items():
        palette.setColor(role, QColor(name))
    return palette
