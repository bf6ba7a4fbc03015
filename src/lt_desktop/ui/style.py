"""A calm look on top of the platform's own: clear focus, readable sizes.

Sizes are relative to the app's font, which follows the text size set for the desktop,
and colours come from its palette, light or dark. The style is made again whenever
either changes, so larger text or dark mode take effect without a restart.
"""

from __future__ import annotations

from lt_desktop.resources import resource
from lt_desktop.ui.colours import card_background, muted_text
from lt_desktop.ui.qt import QApplication, QFont, QIcon, QPalette

#: The section list and the sentences that stand in for an empty list read a little
#: larger than the rest (11 pt beside the usual 9).
LARGER = 1.2


def style_sheet(font: QFont, palette: QPalette) -> str:
    quiet = muted_text(palette).name()
    larger = _size(font, LARGER)
    card = card_background(palette).name()
    return f"""
QListWidget[accessibleName="Sections"] {{ font-size: {larger}; padding: 0.3em; }}
QListWidget[accessibleName="Sections"]::item {{ padding: 0.55em 0.7em; }}
QFrame#card {{ border: 1px solid palette(mid); border-radius: 8px; background: {card}; }}
QLabel#muted {{ color: {quiet}; }}
QLabel#emptyState {{ color: {quiet}; font-size: {larger}; }}
QTableView:focus, QListView:focus, QListWidget:focus {{ border: 2px solid palette(highlight); }}
"""


def _size(font: QFont, times: float) -> str:
    """``times`` the size of ``font``, in the unit the font is given in."""
    if font.pointSizeF() > 0:
        return f"{font.pointSizeF() * times:.2f}pt"
    return f"{max(1, round(font.pixelSize() * times))}px"


def apply_style(app: QApplication) -> None:
    """Style the app now, and again each time its font or palette changes."""
    _restyle(app)
    if not app.property("ltStyleFollowsDesktop"):
        app.setProperty("ltStyleFollowsDesktop", True)
        app.fontChanged.connect(lambda _font: _restyle(app))
        app.paletteChanged.connect(lambda _palette: _restyle(app))


def _restyle(app: QApplication) -> None:
    sheet = style_sheet(app.font(), app.palette())
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)


#: The sizes the icon is drawn at, in resources/icons (see scripts/app_icon.py).
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The app's icon: two circles meeting over an open book, drawn at each size."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resource("icons", f"lt-desktop-{size}.png")))
    return icon
