"""Retention: how long each kind of data is kept here, what is due for erasure today,
and erasing it after a preview that a person confirms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lt_desktop.core.services.retention import Due, RetentionErased
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.retention import LONGEST, PeriodUnit, RetentionKind, RetentionPeriod
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.wording import counted
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.fitting import VerticalScrollArea, flow
from lt_desktop.ui.qt import (
    QCheckBox,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.widgets import (
    Banner,
    DateField,
    EnumCombo,
    Tone,
    button,
    confirm,
    heading,
    muted,
)

#: What the screen reloads on: the schedule, and every record it may find due.
_SHOWN = frozenset(
    {
        Change.SETTINGS,
        Change.PEOPLE,
        Change.COHORTS,
        Change.MEMBERS,
        Change.APPLICATIONS,
        Change.STORIES,
        Change.ANSWERS,
        Change.INTERVIEWS,
        Change.ATTACHMENTS,
    }
)


@dataclass
class KindRow:
    """The controls for one kind: its period (or the study's end), off, and what is due."""

    kind: RetentionKind
    box: QGroupBox
    amount: QSpinBox
    unit: EnumCombo
    until: DateField
    off: QCheckBox
    due: QLabel
    counts: QLabel

    def period(self) -> RetentionPeriod:
        """The period as the controls now say; raises ValidationError for a bad date."""
        if self.kind.until_a_date:
            return RetentionPeriod(self.kind, self.off.isChecked(), until=self.until.maybe_value())
        return RetentionPeriod(
            self.kind, self.off.isChecked(), self.amount.value(), self.unit.value()
        )


class RetentionScreen(Screen):
    title = "Retention"
    needs = frozenset({Permission.VIEW_RETENTION})
    listens_to = _SHOWN

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._dues: list[Due] = []
        self._today = date.today()
        self.banner = Banner()
        self.as_of = muted()
        self.as_of.setAccessibleName("As of")
        self.rows: dict[RetentionKind, KindRow] = {}
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        may_change = self.may(Permission.MANAGE_RETENTION)
        for kind in RetentionKind:
            row = self._kind_row(kind)
            for control in (row.amount, row.unit, row.until, row.off):
                control.setEnabled(may_change)
            self.rows[kind] = row
            column.addWidget(row.box)
        column.addStretch(1)
        self.save_button = button("&Save the schedule", self._save)
        self.erase_button = button("&Erase what is due…", self._erase)
        actions = flow((self.save_button, self.erase_button))
        offer_only_if(may_change, self.save_button, self.erase_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Keeping data only as long as needed"))
        layout.addWidget(
            muted(
                "Each kind of data is kept for a period, then falls due to be erased. Nothing "
                "is erased until someone looks at what is due and confirms it; the erasure of "
                "someone based here then goes to the other sites too. Backups made before keep "
                "it until they age out."
                + ("" if may_change else " An administrator sets the periods and erases.")
            )
        )
        layout.addWidget(self.as_of)
        layout.addWidget(self.banner)
        layout.addWidget(VerticalScrollArea(content, "Kinds of data"), 1)
        layout.addLayout(actions)

    def _kind_row(self, kind: RetentionKind) -> KindRow:
        box = QGroupBox(kind.label)
        box.setAccessibleName(kind.label)
        amount = QSpinBox()
        amount.setRange(1, LONGEST[PeriodUnit.MONTHS])
        amount.setAccessibleName(f"{kind.label}: keep for")
        unit = EnumCombo(PeriodUnit, PeriodUnit.YEARS)
        unit.setAccessibleName(f"{kind.label}: months or years")
        until = DateField(optional=True, empty_text="Not set yet")
        until.setAccessibleName("The study ends on")
        off = QCheckBox("Off: never due")
        off.setAccessibleName(f"{kind.label}: off")
        due = QLabel()
        due.setWordWrap(True)
        due.setAccessibleName(f"{kind.label}: due")
        counts = muted()
        counts.setAccessibleName(f"{kind.label}: what would go")
        layout = QVBoxLayout(box)
        layout.addWidget(muted(f"{kind.what} {kind.reason}"))
        if kind.until_a_date:
            label = QLabel("Kept until the study ends on")
            label.setBuddy(until)
            layout.addLayout(flow((label, until, off)))
            amount.hide()
            unit.hide()
        else:
            label = QLabel("Kept for")
            label.setBuddy(amount)
            layout.addLayout(flow((label, amount, unit, QLabel(kind.counted_from), off)))
            until.hide()
        layout.addWidget(due)
        layout.addWidget(counts)
        return KindRow(kind, box, amount, unit, until, off, due, counts)

    def reload(self) -> None:
        today = date.today()
        self.controller.load(lambda ws: ws.retention.due(today), lambda d: self._show(today, d))

    def _show(self, today: date, dues: list[Due]) -> None:
        self._today, self._dues = today, dues
        self.as_of.setText(f"What is due as of today, {today.day} {today:%B %Y}:")
        for due in dues:
            row = self.rows[due.kind]
            period = due.period
            row.off.setChecked(period.off)
            if due.kind.until_a_date:
                row.until.set_value(period.until)
            else:
                row.unit.set_value(period.unit)
                row.amount.setValue(period.amount)
            row.due.setText(due.describe())
            row.counts.setText("; ".join(due.lines()))
            row.counts.setVisible(bool(due.counts))
        self.erase_button.setEnabled(any(due.requests for due in dues))

    # -- changing the schedule -----------------------------------------------------------

    def _save(self) -> None:
        try:
            wanted = [row.period() for row in self.rows.values()]
        except ValidationError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        shown = {due.kind: due.period for due in self._dues}
        changed = [period for period in wanted if period != shown.get(period.kind)]
        if not changed:
            self.banner.show_message("The schedule is as it was: nothing to save.")
            return
        for period in changed:
            longest = LONGEST[period.unit]
            if not period.kind.until_a_date and period.amount > longest:
                self.banner.show_message(
                    f"{period.kind.label}: choose from 1 to {longest} {period.unit.value}.",
                    Tone.ERROR,
                )
                return

        def save(ws: Any) -> None:
            for period in changed:
                before = shown.get(period.kind)
                if period.off:
                    ws.retention.set_off(period.kind, True)
                elif period.kind.until_a_date:
                    ws.retention.set_study_end(period.until)
                elif before is not None and before.off and _same_length(before, period):
                    ws.retention.set_off(period.kind, False)
                else:
                    ws.retention.set_period(period.kind, period.amount, period.unit)

        self.banner.show_message("Saving…")
        self.controller.change(
            save,
            lambda _: self.banner.show_message(
                "Saved: " + "; ".join(f"{p.kind.label}, {p.describe().lower()}" for p in changed),
                Tone.GOOD,
            ),
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    # -- erasing what is due ---------------------------------------------------------------

    def _erase(self) -> None:
        """Count what is due afresh, show it, and erase it only once confirmed."""
        today = date.today()
        self.banner.show_message("Counting what is due…")
        self.controller.load(
            lambda ws: ws.retention.due(today),
            lambda dues: self._confirm(today, dues),
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _confirm(self, today: date, dues: list[Due]) -> None:
        self._show(today, dues)
        due = [d for d in dues if d.requests]
        if not due:
            self.banner.show_message("Nothing is due today.", Tone.GOOD)
            return
        self.banner.clear()
        listed = "\n".join(f"{d.kind.label}: {_about(d)}\n  " + "\n  ".join(d.lines()) for d in due)
        question = (
            f"Erase what is due today?\n\n{listed}\n\nEach record is blanked and kept only as "
            "a tombstone with no name or text. The erasure of someone based here goes to the "
            "other sites with the next exchange. This cannot be undone; backups made before "
            "still hold it until they age out."
        )
        if not confirm(self, question, "Erase"):
            self.banner.show_message("Nothing was erased.")
            return
        kinds = [d.kind for d in due]
        self.controller.change(
            lambda ws: ws.retention.apply(kinds, today),
            self._erased,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _erased(self, erased: RetentionErased) -> None:
        self.banner.show_message(
            f"Erased {counted(erased.total, 'record')} about "
            f"{counted(erased.people, 'person', 'people')}. What is about people based here "
            "goes to the other sites with the next exchange.",
            Tone.GOOD,
        )


def _about(due: Due) -> str:
    return f"{counted(due.total, 'record')} about {counted(due.people, 'person', 'people')}"


def _same_length(before: RetentionPeriod, after: RetentionPeriod) -> bool:
    return (before.amount, before.unit) == (after.amount, after.unit)
