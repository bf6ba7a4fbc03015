"""The rubric applications are scored against, and whether assessors see names."""

from __future__ import annotations

import uuid

from lt_desktop.core.services.applications import ASSESSMENT_NOTE, CriterionInfo
from lt_desktop.core.services.settings import BLIND_ASSESSMENT
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.widgets import Banner, Tone, button, muted


class RubricDialog(QDialog):
    """The administrator's rubric: criteria scored 1 to 5, with guidance; and whether
    assessors read statements without names."""

    def __init__(self, parent: QWidget, controller: AppController) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rubric and blind assessment")
        self.setModal(True)
        self.controller = controller
        self._criteria: list[CriterionInfo] = []
        self.blind = QCheckBox(
            "Blind assessment: assessors read statements without the applicant's name"
        )
        self.blind.toggled.connect(self._blind_toggled)
        self.list = QListWidget()
        self.list.setAccessibleName("Criteria")
        self.list.currentRowChanged.connect(self._chosen)
        self.name = QLineEdit()
        self.guidance = QPlainTextEdit()
        self.guidance.setTabChangesFocus(True)
        self.guidance.setFixedHeight(90)
        self.active = QCheckBox("In use")
        self.banner = Banner()
        form = QFormLayout()
        for text, widget in (("&Name", self.name), ("&Guidance", self.guidance)):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(label, widget)
        form.addRow("", self.active)
        buttons = QHBoxLayout()
        buttons.addWidget(button("&Save criterion", self._save))
        buttons.addWidget(button("&Add as new", self._add))
        buttons.addWidget(button("Move &up", lambda: self._move(-1)))
        buttons.addWidget(button("Move do&wn", lambda: self._move(1)))
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.blind)
        layout.addWidget(muted(ASSESSMENT_NOTE))
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.banner)
        layout.addWidget(close)
        self.resize(620, 560)
        self._loading = True
        controller.load(
            lambda ws: (
                ws.applications.rubric(include_inactive=True),
                bool(ws.settings.get(BLIND_ASSESSMENT)),
            ),
            self._show,
        )

    def _show(self, result: tuple[list[CriterionInfo], bool]) -> None:
        criteria, blind = result
        self._loading = True
        self.blind.setChecked(blind)
        self._loading = False
        self._show_criteria(criteria)

    def _show_criteria(
        self, criteria: list[CriterionInfo], chosen: uuid.UUID | None = None
    ) -> None:
        self._criteria = criteria
        self.list.clear()
        for criterion in criteria:
            state = "" if criterion.active else " (not in use)"
            self.list.addItem(f"{criterion.position}. {criterion.name}{state}")
        row = next((i for i, c in enumerate(criteria) if c.id == chosen), 0)
        if criteria:
            self.list.setCurrentRow(row)

    def _chosen(self, row: int) -> None:
        if 0 <= row < len(self._criteria):
            criterion = self._criteria[row]
            self.name.setText(criterion.name)
            self.guidance.setPlainText(criterion.guidance)
            self.active.setChecked(criterion.active)

    def _current(self) -> CriterionInfo | None:
        row = self.list.currentRow()
        return self._criteria[row] if 0 <= row < len(self._criteria) else None

    def _error(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    def _reload(self, chosen: uuid.UUID | None, message: str) -> None:
        def show(criteria: list[CriterionInfo]) -> None:
            self._show_criteria(criteria, chosen)
            self.banner.show_message(message, Tone.GOOD)

        self.controller.load(lambda ws: ws.applications.rubric(include_inactive=True), show)

    def _save(self) -> None:
        criterion = self._current()
        if criterion is None:
            return
        name, guidance, active = (
            self.name.text(),
            self.guidance.toPlainText(),
            self.active.isChecked(),
        )
        self.controller.change(
            lambda ws: ws.applications.change_criterion(
                criterion.id, name=name, guidance=guidance, active=active
            ),
            lambda saved: self._reload(saved.id, f"Saved “{saved.name}”."),
            self._error,
        )

    def _add(self) -> None:
        name, guidance = self.name.text(), self.guidance.toPlainText()
        self.controller.change(
            lambda ws: ws.applications.add_criterion(name, guidance),
            lambda added: self._reload(added.id, f"Added “{added.name}”."),
            self._error,
        )

    def _move(self, step: int) -> None:
        criterion = self._current()
        if criterion is None:
            return
        self.controller.change(
            lambda ws: ws.applications.move_criterion(criterion.id, step),
            lambda criteria: self._show_criteria(criteria, criterion.id),
            self._error,
        )

    def _blind_toggled(self, on: bool) -> None:
        if self._loading:
            return
        self.controller.change(
            lambda ws: ws.settings.set_switch(BLIND_ASSESSMENT, on),
            lambda _: self.banner.show_message(
                "Assessors now read statements without names."
                if on
                else "Assessors now see applicants' names.",
                Tone.GOOD,
            ),
            self._error,
        )
