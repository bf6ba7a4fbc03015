"""The user guide, readable inside the app (it is also docs/user-guide.md)."""

from __future__ import annotations

import re
from pathlib import Path

from lt_desktop.resources import user_guide
from lt_desktop.ui.qt import QDialog, QTextBrowser, QUrl, QVBoxLayout, QWidget
from lt_desktop.ui.widgets import muted

_HEADING = re.compile(r"^## (\d+\. .+)$", re.MULTILINE)


def _slug(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading: "1. Setting up" -> "1-setting-up"."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).strip().replace(" ", "-")


class GuideWindow(QDialog):
    """Not modal: the guide stays open beside the screen it explains."""

    def __init__(self, parent: QWidget | None = None, guide: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("LT Desktop user guide")
        self.resize(860, 760)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        layout = QVBoxLayout(self)
        guide = guide or user_guide()
        if guide is None:
            layout.addWidget(muted("The user guide is not installed with this copy of LT Desktop."))
            self._headings: dict[str, str] = {}
            return
        text = guide.read_text(encoding="utf-8")
        self._headings = {_slug(h): h for h in _HEADING.findall(text)}
        self.browser.setSearchPaths([str(guide.parent)])
        self.browser.setMarkdown(text)
        layout.addWidget(self.browser)

    def _follow(self, url: QUrl) -> None:
        heading = self._headings.get(url.fragment())
        if heading is None:
            return
        self.browser.moveCursor(self.browser.textCursor().MoveOperation.Start)
        self.browser.find(heading)
        self.browser.ensureCursorVisible()
