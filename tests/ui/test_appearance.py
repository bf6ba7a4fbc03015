"""The app follows the desktop: its text size, its light or dark palette, and shows its
own icon. Text everywhere keeps the contrast WCAG AA asks of body text (4.5:1)."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.core.services.mentoring import Journey, JourneyStage, JourneyStep
from lt_desktop.core.services.programme import Balance
from lt_desktop.ui.colours import (
    BODY_TEXT_CONTRAST,
    contrast_ratio,
    dark_palette,
    is_dark,
    opaque,
    readable,
    relative_luminance,
    tone_colours,
)
from lt_desktop.ui.qt import (
    QApplication,
    QColor,
    QLabel,
    QPalette,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.cohorts import CohortsScreen
from lt_desktop.ui.style import ICON_SIZES, app_icon
from lt_desktop.ui.views.balance_bar import BalanceBar
from lt_desktop.ui.views.journey import JourneyView
from lt_desktop.ui.widgets import Banner, Tone, muted
from tests.ui.conftest import Driver

SOURCE = Path(__file__).resolve().parents[2] / "src" / "lt_desktop" / "ui"


@pytest.fixture
def app() -> Iterator[QApplication]:
    """The shared QApplication, with its font and palette put back afterwards."""
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    font, palette = instance.font(), instance.palette()
    yield instance
    instance.setPalette(palette)
    instance.setFont(font)


@pytest.fixture(params=["light", "dark"])
def desktop(request: pytest.FixtureRequest, app: QApplication) -> str:
    if request.param == "dark":
        app.setPalette(dark_palette())
    return str(request.param)


@pytest.fixture
def on_screen(qtbot: QtBot) -> Iterator[Callable[..., QWidget]]:
    """Puts a widget in a window of its own and shows it, for as long as the test runs."""
    windows: list[QWidget] = []

    def show(widget: QWidget, width: int = 1000) -> QWidget:
        window = QWidget()
        QVBoxLayout(window).addWidget(widget)
        qtbot.addWidget(window)
        window.resize(width, 160)
        window.show()
        QApplication.processEvents()
        windows.append(window)
        return window

    yield show


def _drawn_contrast(widget: QWidget) -> tuple[QColor, float]:
    """The colour most of ``widget`` is drawn in, and the contrast of whatever on it
    stands out most (its text, when the widget holds only text)."""
    image = widget.grab(widget.contentsRect()).toImage()
    pixels = Counter(image.pixel(x, y) for x in range(image.width()) for y in range(image.height()))
    background = QColor.fromRgb(pixels.most_common(1)[0][0])
    strongest = max(contrast_ratio(QColor.fromRgb(p), background) for p in pixels)
    return background, strongest


def test_the_contrast_helper_follows_wcag() -> None:
    black, white = QColor("#000000"), QColor("#ffffff")
    assert contrast_ratio(black, white) == pytest.approx(21)
    assert contrast_ratio(white, black) == pytest.approx(21)
    assert contrast_ratio(QColor("#777777"), white) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#767676"), white) == pytest.approx(4.54, abs=0.01)
    assert relative_luminance(white) == pytest.approx(1)
    faint = readable(QColor("#cccccc"), white)
    assert contrast_ratio(faint, white) >= BODY_TEXT_CONTRAST
    assert contrast_ratio(readable(QColor("#444444"), QColor("#2b2b2b")), QColor("#2b2b2b")) >= 4.5
    # a colour that is readable already is left as it is
    assert readable(QColor("#1f4f8f"), white).name() == "#1f4f8f"


@pytest.mark.parametrize("tone", list(Tone))
def test_every_message_tone_is_readable_and_follows_the_palette(
    on_screen: Callable[..., QWidget], desktop: str, tone: Tone
) -> None:
    palette = QApplication.palette()
    background, text = tone_colours(tone.value, palette)
    assert contrast_ratio(background, text) >= BODY_TEXT_CONTRAST

    banner = Banner()
    on_screen(banner)
    banner.show_message("The register for week 3 is saved.", tone)
    QApplication.processEvents()
    drawn_background, drawn_contrast = _drawn_contrast(banner)
    assert drawn_contrast >= BODY_TEXT_CONTRAST, f"{tone} on a {desktop} desktop"
    window = palette.color(QPalette.ColorRole.Window)
    assert is_dark(palette) == (desktop == "dark")
    # a message on a dark desktop is dark too, not a bright patch
    assert (relative_luminance(drawn_background) < 0.18) == (desktop == "dark"), desktop
    assert contrast_ratio(drawn_background, window) < 3


def test_a_message_shown_before_the_desktop_turns_dark_turns_dark_with_it(
    on_screen: Callable[..., QWidget], app: QApplication
) -> None:
    banner = Banner()
    on_screen(banner)
    banner.show_message("Could not save: the store is locked.", Tone.ERROR)
    app.setPalette(dark_palette())
    QApplication.processEvents()
    background, contrast = _drawn_contrast(banner)
    assert relative_luminance(background) < 0.18
    assert contrast >= BODY_TEXT_CONTRAST


def _journey() -> Journey:
    def step(stage: JourneyStage, reached: bool) -> JourneyStep:
        return JourneyStep(
            on=date(2026, 1, 12),
            stage=stage,
            reached=reached,
            what=stage.label,
            cohort="January–March 2026",
            course="Justice and Society",
        )

    return Journey(
        uuid.uuid4(),
        [step(JourneyStage.APPLIED, True), step(JourneyStage.STUDENT, True)],
    )


def test_journey_stages_are_readable_on_either_palette(
    on_screen: Callable[..., QWidget], app: QApplication
) -> None:
    view = JourneyView()
    on_screen(view)
    view.set_journey(_journey())
    for desktop in ("light", "dark"):
        if desktop == "dark":
            app.setPalette(dark_palette())  # the view is already on screen
        QApplication.processEvents()
        window = QApplication.palette().color(QPalette.ColorRole.Window)
        for stage, box in view.boxes.items():
            background, contrast = _drawn_contrast(box)
            assert contrast >= BODY_TEXT_CONTRAST, f"{stage.label} on a {desktop} desktop"
            if stage in (JourneyStage.APPLIED, JourneyStage.STUDENT):
                assert contrast_ratio(background, window) < 3, f"{stage.label}: a bright patch"


def test_with_larger_text_the_journey_strip_is_left_out_rather_than_cut(
    on_screen: Callable[..., QWidget], app: QApplication
) -> None:
    larger = app.font()
    larger.setPointSizeF(larger.pointSizeF() * 1.5)
    app.setFont(larger)
    narrow, wide = JourneyView(), JourneyView()
    on_screen(narrow, 520)
    on_screen(wide, 1500)
    for view in (narrow, wide):
        view.set_journey(_journey())
    QApplication.processEvents()
    assert not narrow.strip.isVisible()
    assert "Student" in narrow.steps.text()  # the steps still say it all
    assert wide.strip.isVisible()
    for box in wide.boxes.values():
        longest = max(box.fontMetrics().horizontalAdvance(w) for w in box.text().split())
        assert box.contentsRect().width() >= longest, box.text()


@pytest.mark.parametrize("balance", [Balance(prison=6, university=4), Balance(4, 0)])
def test_the_balance_bar_stands_out_on_either_palette(
    on_screen: Callable[..., QWidget], desktop: str, balance: Balance
) -> None:
    bar = BalanceBar()
    bar.set_balance(balance, 16)
    holder = on_screen(bar)
    image = bar.grab().toImage()
    window = holder.palette().color(QPalette.ColorRole.Window)
    middle_y = image.height() // 2
    width = image.width()
    prison = QColor.fromRgb(image.pixel(3, middle_y))
    fills = [prison]
    if balance.university:
        fills.append(QColor.fromRgb(image.pixel(width * 8 // 16, middle_y)))
    for fill in fills:
        assert contrast_ratio(fill, window) >= BODY_TEXT_CONTRAST, desktop
    if len(fills) == 2:
        assert contrast_ratio(fills[0], fills[1]) >= 1.5, "prison and university look alike"


def test_quiet_text_is_readable_on_either_palette(
    on_screen: Callable[..., QWidget], desktop: str
) -> None:
    label = muted("Nobody has applied yet.")
    on_screen(label)
    palette = QApplication.palette()
    label.ensurePolished()
    colour = label.palette().color(label.foregroundRole())
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        background = palette.color(role)
        drawn = opaque(colour, background)  # a see-through grey looks fainter still
        assert contrast_ratio(drawn, background) >= BODY_TEXT_CONTRAST, desktop


def test_no_colour_is_written_into_a_screen() -> None:
    """Colours come from the palette through ui/colours.py, which keeps a light and a
    dark set; a colour written straight into a screen stays light on a dark desktop."""
    written = []
    for path in SOURCE.rglob("*.py"):
        if path.name == "colours.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[\"']#[0-9a-fA-F]{3,8}\b", line):
                written.append(f"{path.relative_to(SOURCE)}:{number}")
    assert written == []


def _sizes(driver: Driver) -> tuple[float, float, int, int]:
    view = driver.window.workspace_view
    assert view is not None
    screen = driver.open(CohortsScreen)
    empty = screen.findChild(QLabel, "emptyState")
    assert isinstance(empty, QLabel)
    for widget in (view.nav, empty):
        widget.ensurePolished()
    return (
        view.nav.font().pointSizeF(),
        empty.font().pointSizeF(),
        view.nav.fontMetrics().height(),
        empty.fontMetrics().height(),
    )


def test_the_section_list_and_empty_lists_follow_the_desktop_text_size(
    driver: Driver, app: QApplication
) -> None:
    driver.sign_in("demo", "demo")
    before = _sizes(driver)
    larger = app.font()
    larger.setPointSizeF(larger.pointSizeF() * 1.5)
    app.setFont(larger)  # as when someone turns up the desktop's text size
    QApplication.processEvents()
    after = _sizes(driver)
    assert after[0] == pytest.approx(before[0] * 1.5, rel=0.02)
    assert after[1] == pytest.approx(before[1] * 1.5, rel=0.02)
    assert after[2] / before[2] == pytest.approx(1.5, rel=0.15)
    assert after[3] / before[3] == pytest.approx(1.5, rel=0.15)
    view = driver.window.workspace_view
    assert view is not None
    titles = [view.nav.item(row).text() for row in range(view.nav.count())]
    widest = max(view.nav.fontMetrics().horizontalAdvance(title) for title in titles)
    assert view.nav.viewport().width() >= widest, "section names cut short"
    # only the screen shown sets how narrow the window may be
    shown = view.stack.currentWidget()
    assert shown is not None
    assert view.stack.minimumSizeHint().width() == shown.minimumSizeHint().width()
    driver.controller.lock()
    driver.settle()
    driver.sign_in("demo", "demo")
    assert _sizes(driver)[:2] == pytest.approx(after[:2])


def test_the_app_has_its_own_icon(driver: Driver) -> None:
    icon = app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert set(ICON_SIZES) <= sizes
    assert not driver.window.windowIcon().isNull()
