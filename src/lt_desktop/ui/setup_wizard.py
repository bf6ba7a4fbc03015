"""First run: name the site, make the administrator, and hand over the recovery key; or
make this computer a classroom laptop from the kit the education PC wrote to a stick."""

from __future__ import annotations

from pathlib import Path

from lt_desktop.core.front_door import RecoveryKey
from lt_desktop.core.passwords import check_password, check_username
from lt_desktop.core.services.laptops import LaptopSetUp
from lt_desktop.documents.recovery_sheet import write_recovery_sheet
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QCheckBox,
    QFileDialog,
    QFont,
    QFontDatabase,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    Qt,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from lt_desktop.ui.widgets import Banner, Tone, muted

SITE_PAGE, ADMIN_PAGE, KEY_PAGE, LAPTOP_PAGE = range(4)


class SetupWizard(QWizard):
    """Creates the store when the administrator page is done; the key page follows."""

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Set up LT Desktop")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.site_page = SitePage()
        self.admin_page = AdministratorPage(self)
        self.key_page = RecoveryKeyPage(self)
        self.laptop_page = LaptopPage(self)
        self.setPage(SITE_PAGE, self.site_page)
        self.setPage(ADMIN_PAGE, self.admin_page)
        self.setPage(KEY_PAGE, self.key_page)
        self.setPage(LAPTOP_PAGE, self.laptop_page)
        self.recovery_key: RecoveryKey | None = None
        #: Set once this computer is a classroom laptop: its name is the site's.
        self.laptop_name = ""
        self.setMinimumSize(640, 480)

    @property
    def site_name(self) -> str:
        return self.laptop_name or self.site_page.site_name.text().strip()


class SitePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Welcome to LT Desktop")
        self.setSubTitle(
            "LT Desktop keeps a Learning Together partnership's records in an encrypted store "
            "on this computer. First, say which site this is."
        )
        self.site_name = QLineEdit()
        self.site_name.setAccessibleName("Site name")
        self.site_name.setPlaceholderText("For example: HMP Grendon, or University of Cambridge")
        self.prison = QRadioButton("A &prison (the education department)")
        self.university = QRadioButton("A &university (the coordinator's office)")
        self.laptop = QRadioButton("A &classroom laptop, set up from a kit on a stick")
        self.prison.setChecked(True)
        layout = QFormLayout(self)
        layout.addRow("Site &name", self.site_name)
        layout.addRow("This site is", self.prison)
        layout.addRow("", self.university)
        layout.addRow("", self.laptop)
        layout.addRow(
            muted(
                "A prison site also keeps prison-only details (prison numbers, locations, "
                "release dates), which never leave it. A classroom laptop takes its name "
                "and its cohorts' registers from the kit the education PC wrote."
            )
        )
        self.site_name.textChanged.connect(self.completeChanged)
        self.laptop.toggled.connect(self._laptop_chosen)

    def _laptop_chosen(self, chosen: bool) -> None:
        self.site_name.setEnabled(not chosen)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.laptop.isChecked() or bool(self.site_name.text().strip())

    def nextId(self) -> int:  # noqa: N802 - Qt API
        return LAPTOP_PAGE if self.laptop.isChecked() else ADMIN_PAGE

    @property
    def site_kind(self) -> SiteKind:
        return SiteKind.PRISON if self.prison.isChecked() else SiteKind.UNIVERSITY


class AdministratorPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("The administrator's account")
        self.setSubTitle(
            "The administrator adds the other accounts and looks after the store. Choose a "
            "password that is long but easy to remember, such as a short sentence."
        )
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.repeat = QLineEdit()
        for field, name in [
            (self.full_name, "Full name"),
            (self.username, "User name"),
            (self.password, "Password"),
            (self.repeat, "Password again"),
        ]:
            field.setAccessibleName(name)
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.banner = Banner()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setAccessibleName("Creating the store")
        self.progress.hide()
        layout = QFormLayout(self)
        layout.addRow("&Full name", self.full_name)
        layout.addRow("&User name", self.username)
        layout.addRow("&Password", self.password)
        layout.addRow("Password &again", self.repeat)
        layout.addRow(self.banner)
        layout.addRow(self.progress)
        self._created = False

    def nextId(self) -> int:  # noqa: N802 - Qt API
        return KEY_PAGE

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        if self._created:
            return True
        try:
            username = check_username(self.username.text())
            check_password(self.password.text(), username)
            if self.password.text() != self.repeat.text():
                raise ValidationError("The two passwords are not the same.")
            if not self.full_name.text().strip():
                raise ValidationError("Type the administrator's full name.")
        except LtError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return False
        self.banner.show_message("Creating the encrypted store… this takes a few seconds.")
        self.progress.show()
        self._set_enabled(False)
        self._wizard.controller.create_store(
            site_name=self._wizard.site_page.site_name.text().strip(),
            site_kind=self._wizard.site_page.site_kind,
            admin_username=username,
            admin_display_name=self.full_name.text().strip(),
            admin_password=self.password.text(),
            on_done=self._created_store,
            on_error=self._failed,
        )
        return False  # the wizard moves on when the store exists

    def _created_store(self, recovery_key: RecoveryKey) -> None:
        self._created = True
        self.progress.hide()
        self.banner.clear()
        self._wizard.recovery_key = recovery_key
        self._wizard.key_page.show_key(recovery_key)
        self._wizard.next()

    def _failed(self, message: str) -> None:
        self.progress.hide()
        self._set_enabled(True)
        self.banner.show_message(message, Tone.ERROR)

    def _set_enabled(self, enabled: bool) -> None:
        for field in (self.full_name, self.username, self.password, self.repeat):
            field.setEnabled(enabled)
        for which in (
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
        ):
            button = self._wizard.button(which)
            if button is not None:
                button.setEnabled(enabled)


class RecoveryKeyPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Your recovery key: shown only now")
        self.setSubTitle(
            "If every administrator forgets their password, this key is the only way back "
            "into the store. Print it or write it down, then keep it locked away."
        )
        self.key_label = QLabel()
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setAccessibleName("Recovery key")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(font)
        self.print_button = QPushButton("&Print recovery sheet…")
        self.print_button.setAccessibleName("Print recovery sheet")
        self.print_button.clicked.connect(self._print)
        self.banner = Banner()
        self.kept = QCheckBox(
            "I have printed or written down the recovery key and will lock it away"
        )
        self.kept.setAccessibleName("I have kept the recovery key")
        self.kept.toggled.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key_label)
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.banner)
        layout.addStretch(1)
        layout.addWidget(self.kept)

    def show_key(self, recovery_key: RecoveryKey) -> None:
        groups = recovery_key.groups()
        self.key_label.setText("  ".join(groups[:4]) + "\n" + "  ".join(groups[4:]))

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.kept.isChecked()

    def nextId(self) -> int:  # noqa: N802 - Qt API
        return -1

    def _print(self) -> None:
        key = self._wizard.recovery_key
        if key is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save the recovery sheet",
            str(Path.home() / "LT Desktop recovery key.pdf"),
            "PDF documents (*.pdf)",
        )
        if not path:
            return
        self.save_sheet(Path(path))

    def save_sheet(self, path: Path) -> None:
        key = self._wizard.recovery_key
        assert key is not None
        try:
            write_recovery_sheet(
                path,
                site_name=self._wizard.site_name,
                recovery_key=str(key),
            )
        except LtError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        self.banner.show_message(
            f"Saved {path.name}. Print it, then delete the file: the key must not stay on "
            "this computer.",
            Tone.GOOD,
        )


class LaptopPage(QWizardPage):
    """A classroom laptop: the kit from the stick, the passphrase the education PC showed
    once, and the facilitator's own account, which becomes the laptop's administrator."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Set up as a classroom laptop")
        self.setSubTitle(
            "Choose the laptop kit on the stick and type the passphrase the education PC "
            "showed when it wrote the kit. Then make your own account on this laptop."
        )
        self.kit = QLineEdit()
        self.kit.setPlaceholderText("The .ltkit file on the stick")
        self.choose = QPushButton("&Browse…")
        self.choose.setAccessibleName("Choose the kit file")
        self.choose.clicked.connect(self._choose_kit)
        kit_row = QHBoxLayout()
        kit_row.addWidget(self.kit, 1)
        kit_row.addWidget(self.choose)
        self.passphrase = QLineEdit()
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.repeat = QLineEdit()
        for field, name in [
            (self.kit, "Laptop kit"),
            (self.passphrase, "Passphrase"),
            (self.full_name, "Your full name"),
            (self.username, "User name"),
            (self.password, "Password"),
            (self.repeat, "Password again"),
        ]:
            field.setAccessibleName(name)
        for field in (self.passphrase, self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.banner = Banner()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setAccessibleName("Setting up the laptop")
        self.progress.hide()
        layout = QFormLayout(self)
        kit_label = QLabel("Laptop &kit")
        kit_label.setBuddy(self.kit)
        layout.addRow(kit_label, kit_row)
        layout.addRow("Pass&phrase", self.passphrase)
        layout.addRow("Your &full name", self.full_name)
        layout.addRow("&User name", self.username)
        layout.addRow("Pass&word", self.password)
        layout.addRow("Password &again", self.repeat)
        layout.addRow(self.banner)
        layout.addRow(self.progress)
        self._made = False

    def nextId(self) -> int:  # noqa: N802 - Qt API
        return KEY_PAGE

    def _choose_kit(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the laptop kit", self.kit.text(), "Laptop kits (*.ltkit);;All files (*)"
        )
        if path:
            self.kit.setText(path)

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        if self._made:
            return True
        try:
            kit = Path(self.kit.text().strip())
            if not self.kit.text().strip():
                raise ValidationError("Choose the laptop kit on the stick.")
            if not self.passphrase.text().strip():
                raise ValidationError("Type the passphrase the education PC showed.")
            if not self.full_name.text().strip():
                raise ValidationError("Type your full name.")
            username = check_username(self.username.text())
            check_password(self.password.text(), username)
            if self.password.text() != self.repeat.text():
                raise ValidationError("The two passwords are not the same.")
        except LtError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return False
        self.banner.show_message("Opening the kit and setting up… this takes a few seconds.")
        self.progress.show()
        self._set_enabled(False)
        self._wizard.controller.set_up_laptop(
            kit=kit,
            passphrase=self.passphrase.text(),
            username=username,
            display_name=self.full_name.text().strip(),
            password=self.password.text(),
            on_done=self._made_laptop,
            on_error=self._failed,
        )
        return False  # the wizard moves on when the laptop's store exists

    def _made_laptop(self, made: LaptopSetUp, kit_removed: bool) -> None:
        self._made = True
        self.progress.hide()
        self.banner.clear()
        self._wizard.laptop_name = made.name
        self._wizard.recovery_key = made.recovery_key
        self._wizard.key_page.show_key(made.recovery_key)
        self._wizard.key_page.banner.show_message(
            f"This computer is now {made.name}, a classroom laptop of {made.education_pc}. "
            + (
                "The kit was taken off the stick."
                if kit_removed
                else "Delete the kit from the stick: it holds this laptop's keys."
            ),
            Tone.GOOD if kit_removed else Tone.WARNING,
        )
        self._wizard.next()

    def _failed(self, message: str) -> None:
        self.progress.hide()
        self._set_enabled(True)
        self.banner.show_message(message, Tone.ERROR)

    def _set_enabled(self, enabled: bool) -> None:
        for field in (
            self.kit,
            self.choose,
            self.passphrase,
            self.full_name,
            self.username,
            self.password,
            self.repeat,
        ):
            field.setEnabled(enabled)
        for which in (
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
        ):
            button = self._wizard.button(which)
            if button is not None:
                button.setEnabled(enabled)
