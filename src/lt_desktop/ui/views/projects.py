"""A cohort's group projects, as its page on the Cohorts screen lists them, and the form
that records one: its topic, the small groups that joined, the session they presented
it at, and a short description."""

from __future__ import annotations

import uuid
from typing import Any

from lt_desktop.core.services.groups import GroupInfo
from lt_desktop.core.services.programme import SessionInfo
from lt_desktop.core.services.projects import ProjectInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import SessionKind, week_name
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.fitting import fit_rows
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.widgets import (
    Banner,
    FormDialog,
    Tone,
    button,
    confirm,
    muted,
    record_table,
)

GROUP_ROLE = Qt.ItemDataRole.UserRole + 40


def describe_session(session: SessionInfo) -> str:
    """A session as the project form offers it: "Week 9 · Mon 16 Mar 2026 · Group project"."""
    return (
        f"{week_name(session.week)} · {session.held_on:%a %d %b %Y} · "
        f"{session.title or session.kind.label}"
    )


class ProjectDialog(FormDialog):
    """One group project: topic, the groups that joined (tick each), the session they
    presented it at, and a short description."""

    def __init__(
        self,
        parent: QWidget,
        project: ProjectInfo | None,
        sessions: list[SessionInfo],
        groups: list[GroupInfo],
    ) -> None:
        super().__init__(
            "Add a group project" if project is None else "Edit group project",
            "Add" if project is None else "Save",
            parent,
        )
        self.topic = self.add_row("&Topic", QLineEdit(project.topic if project else ""))
        self.topic.setPlaceholderText("e.g. What would a fair prison look like?")
        self.groups = QListWidget()
        joined = {g.group_id for g in project.groups} if project else set()
        for group in groups:
            item = QListWidgetItem(group.name)
            item.setData(GROUP_ROLE, group.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if group.id in joined else Qt.CheckState.Unchecked
            )
            self.groups.addItem(item)
        self.groups.setCurrentRow(0)
        self.groups.setMaximumHeight(self.groups.sizeHintForRow(0) * 6 + 8)
        self.add_row("&Groups that joined", self.groups)
        self.form.addRow("", muted("Space ticks or unticks the chosen group."))
        self.presentation = QComboBox()
        self.presentation.addItem("Not presented yet", None)
        for session in sessions:
            self.presentation.addItem(describe_session(session), session.id)
        chosen = project.presentation_session_id if project else _project_week(sessions)
        rows = range(self.presentation.count())
        self.presentation.setCurrentIndex(
            next((i for i in rows if self.presentation.itemData(i) == chosen), 0)
        )
        self.add_row("&Presented at", self.presentation)
        self.description = QPlainTextEdit(project.description if project else "")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(90)
        self.description.setPlaceholderText("What the groups did, in a few lines")
        self.add_row("&Description", self.description)
        self._no_groups = not groups

    def group_ids(self) -> list[uuid.UUID]:
        return [
            self.groups.item(row).data(GROUP_ROLE)
            for row in range(self.groups.count())
            if self.groups.item(row).checkState() == Qt.CheckState.Checked
        ]

    def validate(self) -> None:
        if not self.topic.text().strip():
            raise ValidationError("Give the project its topic.")
        if self._no_groups:
            raise ValidationError(
                "This cohort has no small groups yet: arrange them on the Groups screen first."
            )
        if not self.group_ids():
            raise ValidationError("Tick the small groups that joined the project.")

    def values(self) -> dict[str, Any]:
        return {
            "topic": self.topic.text(),
            "group_ids": self.group_ids(),
            "presentation_session_id": self.presentation.currentData(),
            "description": self.description.toPlainText(),
        }


def _project_week(sessions: list[SessionInfo]) -> uuid.UUID | None:
    """The cohort's group project session, offered first for a new project."""
    return next((s.id for s in sessions if s.kind is SessionKind.GROUP_PROJECT), None)


class ProjectsBox(QGroupBox):
    """A cohort's group projects, with Add, Edit and Remove for those who may change
    the programme."""

    def __init__(self, controller: AppController, may_edit: bool) -> None:
        super().__init__("Group projects")
        self.controller = controller
        self.projects = RecordTableModel[ProjectInfo](
            [
                Column("Topic", lambda p: p.topic, tooltip=lambda p: p.description),
                Column("Groups", lambda p: p.group_names()),
                Column("Presented", lambda p: p.presentation or "Not yet"),
            ]
        )
        self.table = record_table(self.projects, "Group projects")
        # The words take the room; the rest is as wide as it needs.
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(False)
        # A cohort has a project or two: a few rows, leaving the room to its members.
        self.projects.modelReset.connect(lambda: fit_rows(self.table, 4))
        fit_rows(self.table, 4)
        self.banner = Banner()
        self.add_button = button("Add pro&ject…", self._add, accessible="Add a group project")
        self.edit_button = button("Edit projec&t…", self._edit, accessible="Edit group project")
        self.remove_button = button(
            "Remo&ve project…", self._remove, accessible="Remove group project"
        )
        buttons = QHBoxLayout()
        for widget in (self.add_button, self.edit_button, self.remove_button):
            if not may_edit:
                widget.hide()  # only ever hidden: shown before it sits in a window, it is one
            buttons.addWidget(widget)
        buttons.addStretch(1)
        # No taller than its rows: the page's other lists take the room to spare.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        self._cohort: uuid.UUID | None = None
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._offer())
        self._offer()

    def show_cohort(self, cohort_id: uuid.UUID | None) -> None:
        if cohort_id != self._cohort:
            self.banner.clear()
        self._cohort = cohort_id
        if cohort_id is None:
            self.projects.clear()
            self._offer()
            return
        self.controller.load(
            lambda ws: ws.projects.projects(cohort_id),
            lambda rows: self._show(cohort_id, rows),
            self._failed,
        )

    def _show(self, cohort_id: uuid.UUID, rows: list[ProjectInfo]) -> None:
        if cohort_id != self._cohort:
            return  # another cohort was chosen meanwhile
        self.projects.set_rows(rows)
        self._offer()

    def _chosen(self) -> ProjectInfo | None:
        return self.projects.row_at(self.table.currentIndex())

    def _offer(self) -> None:
        chosen = self._chosen() is not None
        self.add_button.setEnabled(self._cohort is not None)
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def _failed(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    def _add(self) -> None:
        self._open(None)

    def _edit(self) -> None:
        project = self._chosen()
        if project is not None:
            self._open(project)

    def _open(self, project: ProjectInfo | None) -> None:
        cohort_id = self._cohort
        if cohort_id is None:
            return

        def choices(ws: Workspace) -> tuple[list[SessionInfo], list[GroupInfo]]:
            return ws.programme.list_sessions(cohort_id), ws.groups.plan(cohort_id).groups

        def ask(loaded: tuple[list[SessionInfo], list[GroupInfo]]) -> None:
            dialog = ProjectDialog(self, project, *loaded)
            if not dialog.exec():
                return
            values = dialog.values()
            if project is None:
                self.controller.change(
                    lambda ws: ws.projects.add_project(cohort_id, **values),
                    lambda added: self.banner.show_message(
                        f"Recorded the project “{added.topic}”.", Tone.GOOD
                    ),
                    self._failed,
                )
            else:
                project_id = project.id
                self.controller.change(
                    lambda ws: ws.projects.update_project(project_id, **values),
                    on_error=self._failed,
                )

        self.controller.load(choices, ask, self._failed)

    def _remove(self) -> None:
        project = self._chosen()
        if project is None:
            return
        if confirm(self, f"Remove the group project “{project.topic}”?", "Remove"):
            project_id = project.id
            self.controller.change(
                lambda ws: ws.projects.remove_project(project_id), on_error=self._failed
            )
