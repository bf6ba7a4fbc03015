"""Sync: pairing with partner sites and exchanging bundles on removable media."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from lt_desktop.core.output_files import check_output_path, write_atomic
from lt_desktop.core.services.programme import PartnershipInfo
from lt_desktop.core.services.sync import (
    ConflictField,
    ConflictInfo,
    ExportResult,
    ImportResult,
    Keep,
    PartnerInfo,
    PeerKeys,
    parse_fingerprint,
    read_site_card,
)
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.site_card_sheet import write_site_card_sheet
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.fitting import VerticalScrollArea, flow
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFontDatabase,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QObject,
    QProgressBar,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.widgets import (
    Banner,
    EmptyOr,
    FormDialog,
    Tone,
    button,
    check_save_path,
    confirm,
    heading,
    muted,
    record_table,
)


class _Progress(QObject):
    """Carries progress from the background worker to the window."""

    moved = Signal(int)


def _fixed_font_label(text: str = "") -> QLabel:
    label = QLabel(text)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * 1.2)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Not wrapped: a wrapped label's height follows its width, which a layout inside
    # a tab does not always ask again once the text arrives, so the fingerprint's
    # line could be cut off. Twelve groups of digits fit any window the app allows.
    return label


class SyncScreen(Screen):
    title = "Sync"
    needs = frozenset({Permission.SYNC})
    listens_to = frozenset({Change.SYNC})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        may_pair = self.may(Permission.PAIR_SITES)
        self.site_fingerprint = _fixed_font_label()
        self.site_fingerprint.setAccessibleName("This site's fingerprint")
        site_box = QGroupBox("This site")
        site_layout = QVBoxLayout(site_box)
        site_layout.addWidget(
            muted(
                "Partners pair with this site using its card and this fingerprint, read to them "
                "over the phone or printed on the fingerprint sheet."
            )
        )
        site_layout.addWidget(self.site_fingerprint)
        row = QHBoxLayout()
        row.addWidget(button("Save this site's &card…", self._save_card))
        row.addWidget(button("Print the fingerprint &sheet…", self._print_sheet))
        self.rotate_button = button("New &keys…", self._rotate)
        offer_only_if(may_pair, self.rotate_button)
        row.addWidget(self.rotate_button)
        row.addStretch(1)
        site_layout.addLayout(row)

        self.partners = RecordTableModel[PartnerInfo](
            [
                Column("Site", lambda p: p.label, tooltip=lambda p: f"Fingerprint {p.fingerprint}"),
                Column("Kind", lambda p: p.kind.label),
                Column("State", lambda p: "Paired" if p.active else "Revoked"),
                Column(
                    "Last exchange",
                    lambda p: (
                        f"{p.last_exchange_at.astimezone():%d %b %Y %H:%M}"
                        if p.last_exchange_at
                        else "Never"
                    ),
                ),
                Column(
                    "Bundles sent / taken in",
                    lambda p: f"{p.last_sent_sequence} / {p.last_received_sequence}",
                ),
                Column(
                    "Not yet acknowledged",
                    lambda p: f"{p.pending_changes:,} records",
                    align_right=True,
                ),
                Column(
                    "Waiting for what they name",
                    lambda p: f"{p.waiting_records:,} records" if p.waiting_records else "",
                    align_right=True,
                ),
            ]
        )
        self.partner_table = record_table(self.partners, "Paired sites")
        self.partners_or_empty = EmptyOr(self.partner_table, "No paired sites yet.")
        self.pair_button = button("&Pair with a site…", self._pair)
        offer_only_if(may_pair, self.pair_button)
        self.revoke_button = button("&Revoke…", self._revoke)
        offer_only_if(may_pair, self.revoke_button)
        self.export_button = button("&Export for this site…", self._export)
        self.import_button = button("&Import a bundle…", self._import)
        partner_buttons = QHBoxLayout()
        for widget in (
            self.export_button,
            self.import_button,
            self.pair_button,
            self.revoke_button,
        ):
            partner_buttons.addWidget(widget)
        partner_buttons.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.banner = Banner()

        exchange_tab = QWidget()
        exchange_layout = QVBoxLayout(exchange_tab)
        exchange_layout.addWidget(site_box)
        exchange_layout.addWidget(heading("Paired sites", 2))
        exchange_layout.addWidget(self.partners_or_empty, 1)
        exchange_layout.addLayout(partner_buttons)
        exchange_layout.addWidget(self.progress)

        self.conflicts = RecordTableModel[ConflictInfo](
            [
                Column("Found", lambda c: f"{c.detected_at.astimezone():%d %b %Y %H:%M}"),
                Column("Where it stands", _standing),
                Column("What", lambda c: c.title, tooltip=lambda c: c.title),
            ]
        )
        self.conflict_table = record_table(self.conflicts, "Conflicts")
        self.conflict_table.selectionModel().currentRowChanged.connect(self._conflict_chosen)
        self.conflicts_or_empty = EmptyOr(
            self.conflict_table, "No conflicts: no record was changed at two sites at once."
        )
        self.conflict_title = heading("", 2)
        self.conflict_title.setWordWrap(True)
        self.conflict_state = QLabel()
        self.conflict_state.setWordWrap(True)
        self.conflict_state.setAccessibleName("Where the conflict stands")
        self.fields = RecordTableModel[ConflictField](
            [
                Column("Field", lambda f: f.label),
                Column("This site's", lambda f: f.ours, tooltip=lambda f: f.ours),
                Column("Partner's", lambda f: f.theirs, tooltip=lambda f: f.theirs),
                Column("Here now", lambda f: f.now, tooltip=lambda f: f.now),
            ]
        )
        self.field_table = record_table(self.fields, "The two versions side by side")
        self.ours_made = QLabel()
        self.ours_made.setWordWrap(True)
        self.theirs_made = QLabel()
        self.theirs_made.setWordWrap(True)
        self.keep_ours_button = button("Keep &this site's", lambda: self._resolve("ours"))
        self.keep_theirs_button = button("Kee&p the partner's", lambda: self._resolve("theirs"))
        self.seen_button = button("Mark &seen", self._seen)
        offer_only_if(may_pair, self.keep_ours_button, self.keep_theirs_button, self.seen_button)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.conflict_title)
        detail_layout.addWidget(self.conflict_state)
        detail_layout.addWidget(self.field_table, 1)
        detail_layout.addWidget(self.ours_made)
        detail_layout.addWidget(self.theirs_made)
        detail_layout.addLayout(
            flow((self.keep_ours_button, self.keep_theirs_button, self.seen_button))
        )
        if not may_pair:
            detail_layout.addWidget(muted("An administrator chooses which version stands."))
        self.conflict_detail = detail
        self._show_conflict(None)
        conflicts_tab = QWidget()
        conflicts_layout = QVBoxLayout(conflicts_tab)
        conflicts_layout.addWidget(
            muted(
                "When a record was changed at this site and at a partner between exchanges, every "
                "site keeps the same one of the two (the later change) for now, and the other is "
                "kept here. Choose which stands: the choice goes to every site in the next "
                "exchanges, and a site whose change gave way is told."
            )
        )
        splitter = QSplitter()
        splitter.addWidget(self.conflicts_or_empty)
        splitter.addWidget(VerticalScrollArea(detail, "The conflict"))
        splitter.setSizes([520, 480])
        conflicts_layout.addWidget(splitter, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(exchange_tab, "E&xchange")
        self.tabs.addTab(conflicts_tab, "C&onflicts")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Sync"))
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self._fingerprint = ""
        self._card = b""

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        def fetch(ws: Workspace) -> tuple[bytes, str, list[PartnerInfo], list[ConflictInfo]]:
            card, fingerprint = ws.sync.site_card()
            return card, fingerprint, ws.sync.partners(), ws.sync.conflicts()

        self.controller.load(fetch, self._show)

    def _show(self, result: tuple[bytes, str, list[PartnerInfo], list[ConflictInfo]]) -> None:
        self._card, self._fingerprint, partners, conflicts = result
        site = self.controller.site_name
        self.site_fingerprint.setText(f"{site}\n{self._fingerprint}")
        self.partners.set_rows(partners)
        self.partners_or_empty.set_empty(
            not partners,
            "No paired sites yet. Swap site cards with the partner site, then Pair."
            if self.may(Permission.PAIR_SITES)
            else "No paired sites yet. An administrator pairs this site with its partner.",
        )
        chosen = self._chosen_conflict()
        self.conflicts.set_rows(conflicts)
        self.conflicts_or_empty.set_empty(not conflicts)
        self.tabs.setTabText(1, f"C&onflicts ({len(conflicts)})" if conflicts else "C&onflicts")
        again = next(
            (n for n, c in enumerate(conflicts) if chosen is not None and c.id == chosen.id), None
        )
        if again is None and conflicts:
            again = 0
        if again is not None:
            self.conflict_table.selectRow(again)
        self._show_conflict(conflicts[again] if again is not None else None)

    def _chosen_partner(self) -> PartnerInfo | None:
        partner = self.partners.row_at(self.partner_table.currentIndex())
        if partner is None and len(self.partners.rows) == 1:
            partner = self.partners.rows[0]
        if partner is None:
            self.banner.show_message("Choose a paired site in the list first.", Tone.WARNING)
        return partner

    # -- this site -----------------------------------------------------------------------

    def _save_card(self) -> None:
        name = f"{self.controller.site_name}.ltsite"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save this site's card", str(Path.home() / name), "Site cards (*.ltsite)"
        )
        if path:
            try:
                target = check_output_path(
                    Path(path), store_root=self.controller.data_dir, force=True
                )
                write_atomic(target, self._card, what="The site card")
            except LtError as error:
                self.banner.show_message(str(error), Tone.ERROR)
                return
            self.banner.show_message(
                f"Saved the card as {Path(path).name}. Give it to the partner site and read "
                "them the fingerprint shown here.",
                Tone.GOOD,
            )

    def _print_sheet(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save the fingerprint sheet",
            str(Path.home() / f"{self.controller.site_name} fingerprint.pdf"),
            "PDF documents (*.pdf)",
        )
        if path:
            try:
                write_site_card_sheet(Path(path), read_site_card(self._card), self._fingerprint)
            except LtError as error:
                self.banner.show_message(str(error), Tone.ERROR)
                return
            self.banner.show_message(
                f"Saved the fingerprint sheet as {Path(path).name}.", Tone.GOOD
            )

    def _rotate(self) -> None:
        if not confirm(
            self,
            "Give this site new keys? Every partner must then import this site's new card "
            "and confirm its new fingerprint before it can take in bundles from here.",
            "Make new keys",
        ):
            return
        self.controller.change(
            lambda ws: ws.sync.rotate_keys(),
            lambda fingerprint: self.banner.show_message(
                f"New keys made. The new fingerprint is {fingerprint}. Send the new card to "
                "every partner.",
                Tone.GOOD,
            ),
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    # -- partners -------------------------------------------------------------------------

    def _pair(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose the partner's site card",
            str(Path.home()),
            "Site cards (*.ltsite);;All files (*)",
        )
        if not path:
            return
        try:
            raw = Path(path).read_bytes()[: 64 * 1024 + 1]
            peer = read_site_card(raw)
        except (OSError, LtError) as error:
            self.banner.show_message(f"That file is not a site card: {error}", Tone.ERROR)
            return

        def open_dialog(partnerships: list[PartnershipInfo]) -> None:
            other_universities = any(
                p.kind is SiteKind.UNIVERSITY and p.site_id != peer.site_id and not p.revoked_at
                for p in self.partners.rows
            )
            must_choose = (
                self.controller.site_kind is SiteKind.PRISON
                and peer.kind is SiteKind.UNIVERSITY
                and (len(partnerships) > 1 or other_universities)
            )
            dialog = PairDialog(self, peer, partnerships, must_choose=must_choose)
            if not dialog.exec():
                return
            typed, partnership_id = dialog.values()
            self.controller.change(
                lambda ws: ws.sync.pair(raw, typed, partnership_id=partnership_id),
                lambda partner: self.banner.show_message(f"Paired with {partner.name}.", Tone.GOOD),
                lambda message: self.banner.show_message(message, Tone.ERROR),
            )

        self.controller.load(lambda ws: ws.programme.list_partnerships(), open_dialog)

    def _revoke(self) -> None:
        partner = self._chosen_partner()
        if partner is None or not confirm(
            self,
            f"Stop trusting {partner.label}? Nothing from it will be taken in until it "
            "is paired again.",
            "Revoke",
        ):
            return
        self.controller.change(
            lambda ws: ws.sync.revoke(partner.site_id),
            lambda _: self.banner.show_message(f"{partner.name} is revoked.", Tone.GOOD),
        )

    # -- bundles --------------------------------------------------------------------------

    def _export(self) -> None:
        partner = self._chosen_partner()
        if partner is None:
            return
        dialog = ExportDialog(self, partner, self.controller.site_name)
        if not dialog.exec():
            return
        target, snapshot = dialog.values()
        relay = _Progress(self)
        relay.moved.connect(self._moved)
        self._start_progress("Writing the bundle…")
        self.controller.change(
            lambda ws: ws.sync.export(
                partner.site_id,
                target,
                snapshot=snapshot,
                progress=relay.moved.emit,
                force=True,  # the dialog asked before replacing a file
            ),
            self._exported,
            self._failed,
        )

    def _exported(self, result: ExportResult) -> None:
        self.progress.hide()
        removals = f" and {result.redactions:,} removals" if result.redactions else ""
        self.banner.show_message(
            f"Wrote bundle {result.sequence} for {result.partner} "
            f"({sum(result.records.values()):,} records{removals}) to {result.info.path}. "
            "It was read back and verified: carry it to the partner site.",
            Tone.GOOD,
        )

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a bundle to import",
            str(Path.home()),
            "Bundles (*.ltbundle);;All files (*)",
        )
        if not path:
            return
        bundle = Path(path)
        self._start_progress("Checking the bundle and what it would change…")
        self.controller.load(
            lambda ws: ws.sync.import_bundle(bundle, dry_run=True),
            lambda preview: self._confirm_import(bundle, preview),
            self._failed,
        )

    def _confirm_import(self, bundle: Path, preview: ImportResult) -> None:
        self.progress.hide()
        if preview.already_imported:
            self.banner.show_message(preview.describe(), Tone.INFO)
            return
        dialog = ImportPreviewDialog(self, preview)
        if not dialog.exec():
            self.banner.show_message("Nothing was imported.", Tone.INFO)
            return
        self._start_progress("Importing…")
        self.controller.change(
            lambda ws: ws.sync.import_bundle(bundle), self._imported, self._failed
        )

    def _imported(self, result: ImportResult) -> None:
        self.progress.hide()
        tone = Tone.WARNING if result.summary.conflicts or result.missing_sequences else Tone.GOOD
        self.banner.show_message(result.describe(), tone)

    # -- conflicts ------------------------------------------------------------------------

    def _chosen_conflict(self) -> ConflictInfo | None:
        return self.conflicts.row_at(self.conflict_table.currentIndex())

    def _conflict_chosen(self, *_: object) -> None:
        self._show_conflict(self._chosen_conflict())

    def _show_conflict(self, conflict: ConflictInfo | None) -> None:
        """The chosen conflict in words: both versions side by side, who made each and
        when, and what can be done about it."""
        self.conflict_detail.setEnabled(conflict is not None)
        if conflict is None:
            self.conflict_title.setText("")
            self.conflict_state.setText("Choose a conflict in the list.")
            self.fields.set_rows([])
            self.ours_made.setText("")
            self.theirs_made.setText("")
            self.keep_theirs_button.setText("Kee&p the partner's")
            for widget in (self.keep_ours_button, self.keep_theirs_button, self.seen_button):
                widget.setEnabled(False)
            return
        self.conflict_title.setText(conflict.title)
        self.conflict_state.setText(conflict.state_words())
        self.fields.set_rows(conflict.fields)
        if not conflict.fields:
            self.conflict_state.setText(
                conflict.state_words()
                + " The two versions say the same: they differ only in who made them and when."
            )
        self.ours_made.setText(f"This site's version: {conflict.ours.words()}.")
        self.theirs_made.setText(f"The partner's version: {conflict.theirs.words()}.")
        theirs = conflict.theirs.site.replace("&", "&&")
        self.keep_theirs_button.setText(f"Kee&p {theirs}'s")
        self.keep_ours_button.setEnabled(conflict.choosable)
        self.keep_theirs_button.setEnabled(conflict.choosable)
        self.seen_button.setEnabled(not conflict.choosable)

    def _resolve(self, keep: Keep) -> None:
        conflict = self._chosen_conflict()
        if conflict is None:
            self.banner.show_message("Choose a conflict in the list first.", Tone.WARNING)
            return
        side = conflict.ours if keep == "ours" else conflict.theirs
        if not confirm(
            self,
            f"Keep {side.site}'s version of {conflict.title}? Every site holds it after its "
            "next exchange, and a site whose change gave way is told.",
            f"Keep {side.site}'s",
        ):
            return
        self.controller.change(
            lambda ws: ws.sync.resolve_conflict(conflict.id, keep),
            lambda settled: self.banner.show_message(
                f"Kept {side.site}'s version of {settled.title}. It goes to every partner "
                "with the next bundles.",
                Tone.GOOD,
            ),
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _seen(self) -> None:
        conflict = self._chosen_conflict()
        if conflict is None:
            self.banner.show_message("Choose a conflict in the list first.", Tone.WARNING)
            return
        self.controller.change(lambda ws: ws.sync.mark_reviewed(conflict.id))

    def _start_progress(self, text: str) -> None:
        self.banner.clear()
        self.progress.setRange(0, 0)
        self.progress.setFormat(text)
        self.progress.show()

    def _moved(self, done: int) -> None:
        self.progress.setFormat(f"Writing the bundle… {done / 1_048_576:,.1f} MB")

    def _failed(self, message: str) -> None:
        self.progress.hide()
        self.banner.show_message(message, Tone.ERROR)


def _standing(conflict: ConflictInfo) -> str:
    if conflict.waiting:
        return "Waiting for a choice"
    if conflict.ours_replaced:
        return "This site's change replaced"
    return "Settled"


class PairDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget,
        peer: PeerKeys,
        partnerships: list[PartnershipInfo],
        *,
        must_choose: bool = False,
    ) -> None:
        super().__init__(f"Pair with {peer.name}", "Pair", parent)
        self.form.addRow(
            muted(
                f"This card says it is {peer.name}, a {peer.kind.label.lower()} site. Ask someone "
                "there to read you their fingerprint (on their Sync screen or printed sheet) and "
                "type it below. Pair only if it matches what they read."
            )
        )
        self.fingerprint = self.add_row("&Fingerprint they read", QLineEdit())
        self.fingerprint.setPlaceholderText("12345 67890 … (twelve groups of five digits)")
        self.partnership = QComboBox()
        # A prison working with more than one university says which partnership this
        # one is in: it sends it nothing of the others.
        self.must_choose = must_choose
        if self.must_choose:
            self.partnership.addItem("Choose the partnership…", None)
        else:
            self.partnership.addItem("Whichever partnerships it brings", None)
        for partnership in partnerships:
            self.partnership.addItem(partnership.name, partnership.id)
            if self.must_choose and partnership.university_name.casefold() == peer.name.casefold():
                self.partnership.setCurrentIndex(self.partnership.count() - 1)
        self.add_row("For &partnership", self.partnership)

    def validate(self) -> None:
        parse_fingerprint(self.fingerprint.text())
        if self.must_choose and self.partnership.currentData() is None:
            raise ValidationError(
                "This site works with more than one university: choose the partnership "
                "this one belongs to."
            )

    def values(self) -> tuple[str, uuid.UUID | None]:
        return self.fingerprint.text(), self.partnership.currentData()


class ExportDialog(FormDialog):
    def __init__(self, parent: QWidget, partner: PartnerInfo, site_name: str) -> None:
        super().__init__(f"Export for {partner.label}", "Export", parent)
        name = (
            f"{site_name} to {partner.name} {date.today():%Y-%m-%d} "
            f"{partner.last_sent_sequence + 1}.ltbundle"
        )
        self.target = QLineEdit(str(Path.home() / name))
        self._agreed = ""
        choose = button("&Choose…", self._choose)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.target, 1)
        row.addWidget(choose)
        self.target.setAccessibleName("Save the bundle as")
        self.form.addRow("&Save as", holder)
        self.snapshot = QCheckBox("Everything it may have, not only what changed (a snapshot)")
        self.add_row("", self.snapshot)
        self.form.addRow(
            muted(
                f"{partner.pending_changes:,} records changed here since {partner.name} last "
                "acknowledged an exchange. Save the bundle straight onto the approved removable "
                "media; it is written, read back and checked before the export counts as done."
            )
        )

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the bundle", self.target.text(), "Bundles (*.ltbundle)"
        )
        if path:
            self.target.setText(path)
            self._agreed = path

    def validate(self) -> None:
        text = self.target.text().strip()
        target = Path(text)
        if not text or not target.parent.is_dir():
            raise ValidationError("Choose where to save the bundle (a folder that exists).")
        check_save_path(self, target, agreed=text == self._agreed)
        self._agreed = text

    def values(self) -> tuple[Path, bool]:
        return Path(self.target.text().strip()), self.snapshot.isChecked()


class ImportPreviewDialog(FormDialog):
    def __init__(self, parent: QWidget, preview: ImportResult) -> None:
        super().__init__(
            f"Import bundle {preview.header.sequence} from {preview.sender}", "Import", parent
        )
        text = QLabel(preview.describe().replace("this import would bring", "importing brings"))
        text.setWordWrap(True)
        self.form.addRow(text)
        summary = preview.summary
        kinds = sorted(set(summary.added) | set(summary.updated) | set(summary.redacted))
        for kind in kinds:
            parts = []
            if summary.added[kind]:
                parts.append(f"{summary.added[kind]:,} new")
            if summary.updated[kind]:
                parts.append(f"{summary.updated[kind]:,} updated")
            if summary.redacted[kind]:
                parts.append(f"{summary.redacted[kind]:,} removed")
            self.form.addRow(kind.replace("_", " ").capitalize(), QLabel(", ".join(parts)))
        if not kinds:
            self.form.addRow(muted("Nothing here would change."))
