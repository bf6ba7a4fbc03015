"""Render each main screen of the app on a fresh demo store into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py

Run it after changing a screen, then look at the pictures.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from lt_desktop.core.demo import build_demo_store  # noqa: E402
from lt_desktop.domain.vocabulary import (  # noqa: E402
    MembershipRole,
    PersonBase,
    QuestionnairePhase,
)
from lt_desktop.ui.app import apply_style  # noqa: E402
from lt_desktop.ui.controller import AppController  # noqa: E402
from lt_desktop.ui.main_window import MainWindow  # noqa: E402
from lt_desktop.ui.qt import QApplication, Qt  # noqa: E402
from lt_desktop.ui.screens.documents import DocumentsScreen  # noqa: E402
from lt_desktop.ui.screens.people import PeopleScreen  # noqa: E402
from lt_desktop.ui.screens.questionnaires import QuestionnairesScreen  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def settle(app: QApplication, controller: AppController, seconds: float = 0.4) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or not controller.runner.idle:
        app.processEvents()
        time.sleep(0.01)


def _a_prison_based_student(controller: AppController) -> Any:
    workspace = controller.workspace
    assert workspace is not None
    cohort = workspace.programme.list_cohorts()[0]
    return next(
        m.person_id
        for m in workspace.memberships.list_members(cohort.id)
        if m.role is MembershipRole.STUDENT and m.base is PersonBase.PRISON
    )


def _exchange_once_with_a_university(prison: Path, university: Path) -> None:
    """Pair the demo with a university and swap one bundle each way, so the Sync
    screen has something to show."""
    from lt_desktop.core.sign_in import sign_in
    from lt_desktop.core.stores import create_store
    from lt_desktop.domain.vocabulary import SiteKind

    create_store(
        university,
        site_name="University of Eastbridge",
        site_kind=SiteKind.UNIVERSITY,
        admin_username="coord",
        admin_display_name="Coordinator",
        admin_password="coordinator password",
    ).store.close()
    here, there = (prison, "demo", "demo"), (university, "coord", "coordinator password")
    cards = {}
    for folder, user, password in (here, there):
        with sign_in(folder, user, password) as workspace:
            cards[folder] = workspace.sync.site_card()
    for (folder, user, password), other in ((here, university), (there, prison)):
        with sign_in(folder, user, password) as workspace:
            workspace.sync.pair(*cards[other])
    for (folder, user, password), (to_folder, to_user, to_password) in (
        (here, there),
        (there, here),
    ):
        bundle = university.parent / f"{user}.ltbundle"
        with sign_in(folder, user, password) as workspace:
            workspace.sync.export(workspace.sync.partners()[0].site_id, bundle)
        with sign_in(to_folder, to_user, to_password) as workspace:
            workspace.sync.import_bundle(bundle)


def _back_up_twice(store: Path, media: Path) -> None:
    """Backups on the 'removable media', so the Backup screen has a list to show."""
    from lt_desktop.core.sign_in import sign_in

    media.mkdir()
    with sign_in(store, "demo", "demo") as workspace:
        workspace.maintenance.set_backup_folder(media)
        workspace.maintenance.back_up_now()
        workspace.maintenance.back_up_now()


def take_part_of_todays_register(store: Path) -> None:
    """Half of the running cohort's register taken, with reasons and a note, so the
    register picture shows what marks look like."""
    from datetime import date

    from lt_desktop.core.services.register import Mark
    from lt_desktop.core.sign_in import sign_in
    from lt_desktop.domain.vocabulary import AttendanceStatus, MarkReason

    with sign_in(store, "facilitator", "demo") as workspace:
        cohort = next(
            c
            for c in workspace.programme.list_cohorts()
            if c.starts_on <= date.today() <= c.ends_on
        )
        session = next(
            s for s in workspace.programme.list_sessions(cohort.id) if s.held_on >= date.today()
        )
        lines = workspace.register.register(session.id).lines
        special = {
            2: Mark(AttendanceStatus.LATE, MarkReason.MOVEMENT, "Movements called late"),
            4: Mark(AttendanceStatus.ABSENT, MarkReason.HEALTHCARE),
            7: Mark(AttendanceStatus.ABSENT, MarkReason.LEGAL_VISIT),
            9: Mark(AttendanceStatus.EXCUSED, MarkReason.WORK_OR_COURT),
            11: Mark(AttendanceStatus.LEFT_EARLY, MarkReason.REGIME_DELAY),
        }
        workspace.register.set_marks(
            session.id,
            {
                line.person_id: special.get(row, Mark(AttendanceStatus.PRESENT))
                for row, line in enumerate(lines[:14])
            },
        )


def _show_screen(window: MainWindow, title: str) -> Any:
    view = window.workspace_view
    assert view is not None
    row = next(i for i, screen in enumerate(view.screens) if screen.title == title)
    view.nav.setCurrentRow(row)
    return view.screens[row]


def _sign_in(app: QApplication, window: MainWindow, user: str, password: str) -> None:
    window.unlock_screen.username.setText(user)
    window.unlock_screen.password.setText(password)
    window.unlock_screen.sign_in_button.click()
    settle(app, window.controller, 1.0)


def _picture_of_a_screen(
    app: QApplication, store: Path, account: tuple[str, str], title: str, name: str
) -> None:
    """Sign in to ``store`` in a laptop-sized window, show one screen and save it."""
    controller = AppController(store)
    controller.open_store()
    window = MainWindow(controller)
    window.resize(1366, 768)
    window.show()
    settle(app, controller)
    _sign_in(app, window, *account)
    _show_screen(window, title)
    settle(app, controller)
    window.grab().save(str(OUT / f"{name}.png"))
    print(f"saved {name}.png")
    controller.shutdown()
    window.close()


def laptop_pictures(app: QApplication, pc: Path, folder: Path) -> None:
    """The classroom-laptop chapter: the PC's list of laptops with a kit just written,
    the laptop's first-run page, and the laptop's own weekly buttons."""
    from lt_desktop.core.services.laptops import read_kit, set_up_laptop
    from lt_desktop.core.sign_in import sign_in
    from lt_desktop.ui.qt import QWizard
    from lt_desktop.ui.setup_wizard import SetupWizard

    stick = folder / "stick"
    stick.mkdir()
    with sign_in(pc, "staff", "demo") as workspace:
        cohorts = sorted(workspace.programme.list_cohorts(), key=lambda c: c.starts_on)
        workspace.laptops.create("Room 4 laptop", [cohorts[-2].id], stick)
        made = workspace.laptops.create("Chapel laptop", [cohorts[-1].id], stick)
        workspace.laptops.revoke(workspace.laptops.find("Room 4 laptop").site_id)

    _picture_of_a_screen(app, pc, ("staff", "demo"), "Classroom laptops", "laptops-at-the-pc")

    wizard_controller = AppController(folder / "empty")
    wizard = SetupWizard(wizard_controller)
    wizard.resize(760, 620)
    wizard.show()
    wizard.site_page.laptop.setChecked(True)
    wizard.button(QWizard.WizardButton.NextButton).click()
    page = wizard.laptop_page
    page.kit.setText(str(made.kit))
    for field, text in [
        (page.passphrase, made.passphrase),
        (page.full_name, "Amina Yusuf"),
        (page.username, "amina"),
        (page.password, "a long laptop password"),
        (page.repeat, "a long laptop password"),
    ]:
        field.setText(text)
    settle(app, wizard_controller)
    wizard.grab().save(str(OUT / "laptop-set-up.png"))
    print("saved laptop-set-up.png")
    wizard.close()

    laptop = folder / "laptop"
    set_up_laptop(
        laptop,
        read_kit(made.kit, made.passphrase),
        username="amina",
        display_name="Amina Yusuf",
        password="a long laptop password",
    )
    with sign_in(laptop, "amina", "a long laptop password") as workspace:
        workspace.laptops.save_registers(stick)
    _picture_of_a_screen(
        app, laptop, ("amina", "a long laptop password"), "Classroom laptops", "laptop-weekly"
    )


def main() -> int:
    app = QApplication(sys.argv)
    apply_style(app)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        os.environ.setdefault("LT_DESKTOP_TEST_KDF", "cheap")
        # The remembered user name goes here, not to the profile of whoever runs this.
        os.environ["LT_DESKTOP_SETTINGS"] = str(Path(folder) / "settings")
        build_demo_store(store)
        _exchange_once_with_a_university(store, Path(folder) / "university")
        _back_up_twice(store, Path(folder) / "LT backups")
        take_part_of_todays_register(store)
        controller = AppController(store)
        controller.open_store()
        window = MainWindow(controller)
        window.resize(1366, 768)  # a common laptop screen
        window.show()
        settle(app, controller)
        window.grab().save(str(OUT / "sign-in.png"))
        window.unlock_screen.username.setText("demo")
        window.unlock_screen.password.setText("demo")
        window.unlock_screen.sign_in_button.click()
        settle(app, controller, 1.0)
        view = window.workspace_view
        assert view is not None
        names = {
            "Cohorts": "cohorts",
            "Applications": "applications",
            "Backup and restore": "backups",
            "Retention": "retention",
            "People": "people",
            "Groups": "groups",
            "Sessions and register": "register",
            "Mentors": "mentors",
            "Interviews": "interviews",
            "Administration": "administration",
            "Essays and marking": "essays",
            "Stories": "stories",
            "Questionnaires": "questionnaires",
            "Documents": "documents",
            "Graduation": "graduation",
            "Sync": "sync",
        }
        for row, screen in enumerate(view.screens):
            if screen.title not in names:
                continue
            view.nav.setCurrentRow(row)
            settle(app, controller)
            if isinstance(screen, PeopleScreen):
                screen.show_person(_a_prison_based_student(controller))
                settle(app, controller)
            if isinstance(screen, QuestionnairesScreen):
                spring = screen.cohort.findText("January", Qt.MatchFlag.MatchContains)
                screen.cohort.setCurrentIndex(spring)
                screen.phase.set_value(QuestionnairePhase.POST)
                settle(app, controller)
                screen.tabs.setCurrentIndex(1)
                settle(app, controller)
                window.grab().save(str(OUT / "questionnaire-change.png"))
                screen.tabs.setCurrentIndex(0)
                settle(app, controller)
            if isinstance(screen, DocumentsScreen):
                screen.tabs.setCurrentWidget(screen.figures)
                settle(app, controller)
                figures = screen.figures.cohort
                figures.setCurrentIndex(figures.findText("January", Qt.MatchFlag.MatchContains))
                settle(app, controller, 1.0)
                window.grab().save(str(OUT / "cohort-figures.png"))
                print("saved cohort-figures.png")
                screen.tabs.setCurrentIndex(0)
                settle(app, controller)
            window.grab().save(str(OUT / f"{names[screen.title]}.png"))
            print(f"saved {names[screen.title]}.png")
        controller.lock()
        settle(app, controller)
        window.grab().save(str(OUT / "locked.png"))
        window.unlock_screen.username.setText("marker")
        window.unlock_screen.password.setText("demo")
        window.unlock_screen.sign_in_button.click()
        settle(app, controller, 1.0)
        settle(app, controller, 0.5)
        window.grab().save(str(OUT / "marking.png"))
        print("saved marking.png")
        controller.shutdown()
        window.close()
        laptop_pictures(app, store, Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
