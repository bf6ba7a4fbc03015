"""Classroom laptops: carrying registers between a laptop and the education PC on a
stick, setting a laptop up and revoking a lost one."""

from __future__ import annotations

import uuid
from pathlib import Path

from lt_desktop.core.services.laptops import (
    CreatedKit,
    ExportResult,
    ImportResult,
    LaptopInfo,
    RegistersTaken,
    ThisLaptop,
)
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.widgets import (
    Banner,
    FormDialog,
    Tone,
    button,
    confirm,
    heading,
    muted,
    record_table,
)

State = tuple[ThisLaptop | None, list[LaptopInfo], str, list[CohortInfo]]


class LaptopsScreen(Screen):
    title = "Classroom laptops"
    needs = frozenset({Permission.CARRY_REGISTERS})
    listens_to = frozenset({Change.SYNC})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._here: ThisLaptop | None = None
        self._folder = ""
        self._cohorts: list[CohortInfo] = []
        #: The passphrase of the kit written last, while it is on screen.
        self.passphrase = ""
        self.banner = Banner()
        self.about = muted("")
        self.folder_label = QLabel("")
        self.folder_label.setWordWrap(True)
        self.choose_button = button("Choose the &stick…", lambda: None)
        self.choose_button.clicked.connect(self._choose_folder)
        # On a laptop.
        self.save_button = button("&Save registers to the stick", self._save)
        self.update_button = button("&Take in updates from the stick", self._take_in_updates)
        # At the education PC.
        self.take_in_button = button("&Take in registers from a laptop…", self._take_in_registers)
        self.create_button = button("Set &up a classroom laptop…", self._create)
        self.revoke_button = button("&Revoke (lost laptop)…", self._revoke)
        self.laptops = RecordTableModel[LaptopInfo](
            [
                Column("Laptop", lambda laptop: laptop.name),
                Column("Cohorts", lambda laptop: ", ".join(laptop.cohorts)),
                Column(
                    "State",
                    lambda laptop: (
                        f"Revoked {laptop.revoked_at.astimezone():%d %b %Y}"
                        if laptop.revoked_at
                        else "In use"
                    ),
                ),
                Column(
                    "Registers last carried",
                    lambda laptop: (
                        f"{laptop.last_exchange_at.astimezone():%d %b %Y %H:%M}"
                        if laptop.last_exchange_at
                        else "Never"
                    ),
                ),
            ]
        )
        self.table = record_table(self.laptops, "Classroom laptops")

        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.title))
        layout.addWidget(self.about)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.choose_button)
        layout.addLayout(folder_row)
        actions = QHBoxLayout()
        for widget in (self.save_button, self.update_button, self.take_in_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(self.banner)
        self.laptops_heading = heading("This site's classroom laptops", 2)
        layout.addWidget(self.laptops_heading)
        layout.addWidget(self.table, 1)
        manage = QHBoxLayout()
        manage.addWidget(self.create_button)
        manage.addWidget(self.revoke_button)
        manage.addStretch(1)
        layout.addLayout(manage)
        may_manage = self.may(Permission.MANAGE_LAPTOPS)
        offer_only_if(may_manage, self.laptops_heading, self.table, self.create_button)
        offer_only_if(may_manage, self.revoke_button)
        if not may_manage:
            layout.addStretch(1)  # the table's room, so the rest stays at the top

    def reload(self) -> None:
        def fetch(ws: Workspace) -> State:
            here = ws.laptops.this_laptop()
            manage = here is None and ws.actor.may(Permission.MANAGE_LAPTOPS)
            return (
                here,
                ws.laptops.laptops() if manage else [],
                ws.laptops.remembered_folder(),
                ws.programme.list_cohorts() if manage else [],
            )

        self.controller.load(fetch, self._show, self._failed)

    def _show(self, state: State) -> None:
        self._here, laptops, remembered, self._cohorts = state
        self._folder = self._folder or remembered
        here = self._here
        if here is not None:
            self.about.setText(
                f"This laptop carries the registers of {', '.join(here.cohorts)} for "
                f"{here.education_pc}. After class, save the registers to the stick and take "
                "it to the education PC; when it comes back, take the updates in."
            )
        else:
            self.about.setText(
                "Facilitators bring registers taken on a classroom laptop on a stick. Take "
                "them in here: the updated registers are written back to the same stick for "
                "the laptop."
            )
        on_laptop = here is not None
        self.save_button.setVisible(on_laptop)
        self.update_button.setVisible(on_laptop)
        self.take_in_button.setVisible(not on_laptop)
        may_manage = not on_laptop and self.may(Permission.MANAGE_LAPTOPS)
        for widget in (self.laptops_heading, self.table, self.create_button, self.revoke_button):
            widget.setVisible(may_manage)
        self.folder_label.setText(
            f"The stick: {self._folder}" if self._folder else "No stick chosen yet."
        )
        self.laptops.set_rows(laptops)

    def _choose_folder(self) -> bool:
        chosen = QFileDialog.getExistingDirectory(
            self, "Choose the stick (or its folder)", self._folder or str(Path.home())
        )
        if not chosen:
            return False
        self._folder = chosen
        self.folder_label.setText(f"The stick: {chosen}")
        return True

    def _stick(self) -> Path | None:
        if not self._folder and not self._choose_folder():
            return None
        return Path(self._folder)

    # -- on a laptop --------------------------------------------------------------------

    def _save(self) -> None:
        stick = self._stick()
        if stick is None:
            return
        self.controller.change(
            lambda ws: ws.laptops.save_registers(stick), self._saved, self._failed
        )

    def _saved(self, result: ExportResult) -> None:
        self.banner.show_message(
            f"Saved the registers to {result.info.path.name} on the stick (read back and "
            "checked). Take the stick to the education PC.",
            Tone.GOOD,
        )

    def _take_in_updates(self) -> None:
        stick = self._stick()
        if stick is None:
            return
        self.controller.change(
            lambda ws: ws.laptops.take_in_updates(stick), self._updated, self._failed
        )

    def _updated(self, results: list[ImportResult]) -> None:
        self.banner.show_message(" ".join(r.describe() for r in results), Tone.GOOD)

    # -- at the education PC ------------------------------------------------------------

    def _take_in_registers(self) -> None:
        stick = self._stick()
        if stick is None:
            return
        self.controller.change(
            lambda ws: ws.laptops.take_in_registers(stick), self._taken, self._failed
        )

    def _taken(self, taken: RegistersTaken) -> None:
        self.banner.show_message(taken.describe(), Tone.ERROR if taken.refused else Tone.GOOD)

    def _create(self) -> None:
        dialog = NewLaptopDialog(self, self._cohorts, self._folder)
        if not dialog.exec():
            return
        name, cohorts, folder = dialog.values()
        self._folder = str(folder)
        self.controller.change(
            lambda ws: ws.laptops.create(name, cohorts, folder),
            self._created,
            self._failed,
        )

    def _created(self, made: CreatedKit) -> None:
        self.banner.show_message(
            f"{made.laptop.name} is set up for {', '.join(made.laptop.cohorts)}. Its kit is "
            f"on the stick ({made.kit.name}). On the laptop, choose “Set up as a classroom "
            f"laptop” and type this passphrase, shown only now: {made.passphrase}",
            Tone.GOOD,
        )
        self.passphrase = made.passphrase

    def _revoke(self) -> None:
        chosen = self.table.currentIndex()
        if not chosen.isValid():
            self.banner.show_message("Choose the laptop that was lost first.", Tone.ERROR)
            return
        laptop = self.laptops.rows[chosen.row()]
        if not confirm(
            self,
            f"Revoke {laptop.name}? Its registers will be refused from now on; set up a new "
            "laptop to replace it.",
            "Revoke",
        ):
            return
        site_id: uuid.UUID = laptop.site_id
        self.controller.change(lambda ws: ws.laptops.revoke(site_id), self._revoked, self._failed)

    def _revoked(self, laptop: LaptopInfo) -> None:
        self.banner.show_message(
            f"Revoked {laptop.name}: its registers will be refused from now on.", Tone.GOOD
        )

    def _failed(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)


class NewLaptopDialog(FormDialog):
    def __init__(self, parent: QWidget, cohorts: list[CohortInfo], folder: str) -> None:
        super().__init__("Set up a classroom laptop", "Write the kit", parent)
        self.name = self.add_row("&Name", QLineEdit("Classroom laptop 1"))
        self.cohorts = []
        for cohort in cohorts:
            box = QCheckBox(cohort.title)
            box.setProperty("cohort_id", str(cohort.id))
            self.cohorts.append((box, cohort.id))
            self.add_row("" if self.cohorts[:-1] else "&Cohorts", box)
        self.folder = QLineEdit(folder)
        choose = button("C&hoose…", self._choose)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        self.folder.setAccessibleName("The stick")
        self.form.addRow("The &stick", holder)
        self.form.addRow(
            muted(
                "The laptop will hold only the register of these cohorts. Its kit goes on the "
                "stick, sealed under a passphrase shown here once: type it on the laptop, "
                "never write it on the stick."
            )
        )

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose the stick", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def validate(self) -> None:
        if not self.name.text().strip():
            raise ValidationError("Give the laptop a name.")
        if not any(box.isChecked() for box, _ in self.cohorts):
            raise ValidationError("Choose the cohorts whose registers the laptop will carry.")
        if not self.folder.text().strip() or not Path(self.folder.text().strip()).is_dir():
            raise ValidationError("Choose the stick to write the kit to.")

    def values(self) -> tuple[str, list[uuid.UUID], Path]:
        return (
            self.name.text().strip(),
            [cohort_id for box, cohort_id in self.cohorts if box.isChecked()],
            Path(self.folder.text().strip()),
        )
