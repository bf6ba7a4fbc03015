"""Classroom laptops: setting one up from the education PC, carrying registers
between the two on a stick, and revoking a laptop that is lost.

At the PC, staff set up a laptop for chosen cohorts (``create``): it is paired at
once, and a kit sealed under a one-time passphrase goes on the stick. The laptop is
made from the kit (``set_up_laptop``). Each week the facilitator saves the registers
to the stick on the laptop (``save_registers``), takes them in at the PC, which writes
the updated sessions back beside them (``take_in_registers``), and takes those in on
the laptop (``take_in_updates``). Carrying registers needs only the narrow
``CARRY_REGISTERS`` permission, which facilitators have; it takes in nothing but a
classroom laptop's register marks, and sends a laptop nothing but its registers.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.dates import format_date
from lt_desktop.core.services.base import Service
from lt_desktop.core.stores import create_store
from lt_desktop.domain.errors import LtError, NotFound, StoreAlreadyExists, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.creation import move_new_store
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.leftovers import clear_abandoned_staging
from lt_desktop.storage.models import Cohort, Partner, Site, utc_now
from lt_desktop.storage.recovery_key import RecoveryKey
from lt_desktop.storage.store import Store
from lt_desktop.sync import exchange, laptops, pairing
from lt_desktop.sync.bundle import SUFFIX, BundleRejected, read_unverified_header
from lt_desktop.sync.exchange_results import ExportResult, ImportResult
from lt_desktop.sync.identity import SiteIdentity, fingerprint, site_name_problem
from lt_desktop.sync.laptop_kit import (
    KIT_SUFFIX,
    MAX_KIT_BYTES,
    KitRefused,
    LaptopKit,
    new_passphrase,
    open_kit,
    seal_kit,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaptopInfo:
    """A classroom laptop, as the education PC knows it."""

    site_id: uuid.UUID
    name: str
    cohorts: tuple[str, ...]  # by name
    fingerprint: str
    paired_at: datetime
    paired_by: str
    revoked_at: datetime | None
    last_exchange_at: datetime | None
    last_received_sequence: int
    exchange_folder: str

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class CreatedKit:
    laptop: LaptopInfo
    kit: Path
    #: Shown once, on screen; never written anywhere.
    passphrase: str


@dataclass(frozen=True)
class ThisLaptop:
    """At a classroom laptop: the education PC it belongs to, and its stick folder."""

    education_pc: str
    cohorts: tuple[str, ...]
    exchange_folder: str
    revoked: bool


@dataclass
class RegistersTaken:
    """What the education PC did with the registers on a stick."""

    folder: Path
    taken_in: list[ImportResult] = field(default_factory=list)
    written: list[ExportResult] = field(default_factory=list)
    #: One line for each bundle found and refused (a revoked laptop's, a damaged one).
    refused: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [result.describe() for result in self.taken_in]
        lines += [
            f"Wrote the updated registers for {r.partner} to {r.info.path.name}: take them "
            "in on the laptop."
            for r in self.written
        ]
        lines += self.refused
        return "\n".join(lines)


def registers_file(laptop_name: str, site_id: uuid.UUID) -> str:
    """The name of the bundle a laptop writes to the stick for the education PC."""
    return f"Registers from {_plain(laptop_name)} ({site_id.hex[:8]}){SUFFIX}"


def updates_file(laptop_name: str, site_id: uuid.UUID) -> str:
    """The name of the bundle the education PC writes to the stick for a laptop."""
    return f"Updates for {_plain(laptop_name)} ({site_id.hex[:8]}){SUFFIX}"


def kit_file(laptop_name: str) -> str:
    return f"{_plain(laptop_name)} - laptop kit{KIT_SUFFIX}"


def _plain(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9 _-]+", "-", name).strip(" -") or "Classroom laptop"


class LaptopService(Service):
    # -- at the education PC ------------------------------------------------------------

    def create(self, name: str, cohort_ids: list[uuid.UUID], folder: Path) -> CreatedKit:
        """Set up a classroom laptop for ``cohort_ids``: pair with it, and write its kit
        (with its first bundle) to ``folder``, sealed under a passphrase returned once."""
        self._require(Permission.MANAGE_LAPTOPS)
        name = name.strip()
        problem = site_name_problem(name)
        if problem:
            raise ValidationError(f"The laptop's name {problem}.")
        if self._store.site.kind is not SiteKind.PRISON:
            raise ValidationError("Classroom laptops are set up from a prison's education PC.")
        if not cohort_ids:
            raise ValidationError("Choose the cohorts whose registers the laptop will carry.")
        folder = Path(folder)
        if not folder.is_dir():
            raise ValidationError(
                f"{folder} is not a folder: choose the stick to write the kit to."
            )
        folder = self.output_folder(folder)
        target = self.output_path(folder / kit_file(name), force=True)
        laptop = SiteIdentity.generate(name=name, kind=SiteKind.PRISON)
        with self._store.write() as session:
            for cohort_id in cohort_ids:
                if session.get(Cohort, cohort_id) is None:
                    raise NotFound("One of the chosen cohorts no longer exists.")
            taken = session.scalar(
                select(Site.id)
                .join(Partner, Partner.site_id == Site.id)
                .where(Site.name == name, Partner.revoked_at.is_(None))
            )
            if taken is not None or name.casefold() == self._store.site.name.casefold():
                raise ValidationError(
                    f"A paired site is already called {name!r}; choose another name."
                )
            pairing.ensure_keys(session, self._store)
            card = pairing.identity(session, self._store).site_card()
            public = laptop.public()
            session.add(Site(id=laptop.site_id, name=name, kind=SiteKind.PRISON, is_local=False))
            session.add(
                Partner(
                    site_id=laptop.site_id,
                    signing_public=public.signing_key,
                    encryption_public=public.encryption_key,
                    fingerprint=fingerprint(public),
                    paired_by_name=self.actor.display_name,
                    classroom=laptops.LAPTOP,
                    laptop_cohorts=laptops.cohorts_text(cohort_ids),
                    exchange_folder=str(folder),
                )
            )
            self._audit(
                session,
                "laptop.created",
                "site",
                laptop.site_id,
                site=name,
                cohorts=len(cohort_ids),
            )
        passphrase = new_passphrase()
        try:
            with tempfile.TemporaryDirectory(prefix="lt-laptop-") as scratch:
                first = exchange.export_bundle(
                    self._store,
                    laptop.site_id,
                    Path(scratch) / f"first{SUFFIX}",
                    snapshot=True,
                    audit=self._exported,
                )
                first_bundle = first.info.path.read_bytes()
            sealed = seal_kit(
                LaptopKit(laptop, laptop.public(), card, tuple(cohort_ids), first_bundle),
                passphrase,
            )
            write_atomic(target, sealed, what="The laptop kit")
        except BaseException:
            # A laptop whose kit never reached the stick cannot be set up: nothing from
            # it is ever taken in.
            with contextlib.suppress(LtError), self._store.write() as session:
                pairing.revoke(session, self._store, laptop.site_id)
            raise
        log.info("Wrote a classroom laptop kit for %d cohort(s)", len(cohort_ids))
        return CreatedKit(self._laptop(laptop.site_id), target, passphrase)

    def laptops(self) -> list[LaptopInfo]:
        self._require_any(Permission.MANAGE_LAPTOPS, Permission.CARRY_REGISTERS)
        with self._store.read() as session:
            rows = session.scalars(select(Partner).where(Partner.classroom == laptops.LAPTOP)).all()
            listed = [self._info(session, row) for row in rows]
        return sorted(listed, key=lambda laptop: (not laptop.active, laptop.name.casefold()))

    def find(self, name: str) -> LaptopInfo:
        """A laptop by its name (one that stands before one revoked)."""
        named = [
            laptop for laptop in self.laptops() if laptop.name.casefold() == name.strip().casefold()
        ]
        if not named:
            raise NotFound(f"No classroom laptop here is called {name.strip()!r}.")
        return named[0]

    def revoke(self, site_id: uuid.UUID) -> LaptopInfo:
        """A laptop that is lost: nothing from it is taken in again, nothing sent to it."""
        self._require(Permission.MANAGE_LAPTOPS)
        with self._store.write() as session:
            partner = session.get(Partner, site_id)
            if partner is None or partner.classroom != laptops.LAPTOP:
                raise NotFound("That is not a classroom laptop of this site.")
            pairing.revoke(session, self._store, site_id)
            info = self._info(session, partner)
            self._audit(session, "laptop.revoked", "site", site_id, site=info.name)
        return info

    def take_in_registers(self, folder: Path) -> RegistersTaken:
        """Take in every laptop's registers found in ``folder``, then write each of those
        laptops its updated registers beside them. Each bundle is taken in whole or not
        at all; one refused (a revoked laptop's) is said so and left where it is."""
        self._require(Permission.CARRY_REGISTERS)
        folder = Path(folder)
        if not folder.is_dir():
            raise ValidationError(f"{folder} is not a folder: choose the stick.")
        folder = self.output_folder(folder)
        me = self._store.site.id
        outcome = RegistersTaken(folder)
        laptops_seen: list[uuid.UUID] = []
        found = 0
        for path in sorted(folder.glob(f"*{SUFFIX}")):
            try:
                header = read_unverified_header(path)
            except BundleRejected:
                continue
            if header.recipient != me:
                continue  # the updates written here for a laptop, or another site's
            with self._store.read() as session:
                partner = session.get(Partner, header.sender)
                if partner is None or partner.classroom != laptops.LAPTOP:
                    continue  # a partner site's bundle: the Sync screen takes it in
                name = self._info(session, partner).name
                revoked_at = partner.revoked_at
            found += 1
            if revoked_at is not None:
                outcome.refused.append(
                    f"{path.name} was refused: {name} was revoked on "
                    f"{format_date(revoked_at.astimezone().date())}, so nothing from it is "
                    "taken in."
                )
                continue
            try:
                result = exchange.import_bundle(self._store, path, audit=self._imported)
            except LtError as error:
                outcome.refused.append(f"{path.name} was refused: {error}")
                continue
            outcome.taken_in.append(result)
            with contextlib.suppress(OSError):
                path.unlink()  # taken in: it need not travel again
            if header.sender not in laptops_seen:
                laptops_seen.append(header.sender)
        if not found:
            raise NotFound(f"There are no registers from a classroom laptop in {folder}.")
        for site_id in laptops_seen:
            outcome.written.append(self._write_updates(site_id, folder))
        return outcome

    def _write_updates(self, site_id: uuid.UUID, folder: Path) -> ExportResult:
        with self._store.write() as session:
            partner = session.get(Partner, site_id)
            assert partner is not None
            partner.exchange_folder = str(folder)
            name = self._info(session, partner).name
        target = self.output_path(folder / updates_file(name, site_id), force=True)
        return exchange.export_bundle(self._store, site_id, target, audit=self._exported)

    def remembered_folder(self) -> str:
        """The folder registers were last carried through (at the PC or the laptop)."""
        self._require(Permission.CARRY_REGISTERS)
        with self._store.read() as session:
            latest = session.scalar(
                select(Partner.exchange_folder)
                .where(Partner.classroom != "", Partner.exchange_folder != "")
                .order_by(Partner.last_exchange_at.desc())
                .limit(1)
            )
        return latest or ""

    # -- at a classroom laptop ----------------------------------------------------------

    def this_laptop(self) -> ThisLaptop | None:
        """The education PC this installation belongs to, when it is a classroom laptop."""
        with self._store.read() as session:
            partner = self._education_pc_if_any(session)
            if partner is None:
                return None
            pc = session.get(Site, partner.site_id)
            return ThisLaptop(
                pc.name if pc else "the education PC",
                self._cohort_names(session, partner),
                partner.exchange_folder,
                partner.revoked_at is not None,
            )

    def save_registers(self, folder: Path | None = None) -> ExportResult:
        """Write the registers taken here to the stick for the education PC (to
        ``folder``, remembered for next time; else to the folder used last)."""
        self._require(Permission.CARRY_REGISTERS)
        with self._store.write() as session:
            partner = self._education_pc(session)
            target = self._folder(partner, folder)
            partner.exchange_folder = str(target)
            site_id = partner.site_id
        bundle = target / registers_file(self._store.site.name, self._store.site.id)
        return exchange.export_bundle(
            self._store, site_id, self.output_path(bundle, force=True), audit=self._exported
        )

    def take_in_updates(self, folder: Path | None = None) -> list[ImportResult]:
        """Take in the updated registers the education PC wrote to the stick."""
        self._require(Permission.CARRY_REGISTERS)
        with self._store.write() as session:
            partner = self._education_pc(session)
            source = self._folder(partner, folder)
            partner.exchange_folder = str(source)
            pc = partner.site_id
        found: list[tuple[int, Path]] = []
        for path in source.glob(f"*{SUFFIX}"):
            try:
                header = read_unverified_header(path)
            except BundleRejected:
                continue
            if header.sender == pc and header.recipient == self._store.site.id:
                found.append((header.sequence, path))
        if not found:
            raise NotFound(
                f"There are no updates for this laptop in {source} yet. Take the stick to the "
                "education PC and take the registers in there first."
            )
        results = []
        for _, path in sorted(found):
            results.append(exchange.import_bundle(self._store, path, audit=self._imported))
            with contextlib.suppress(OSError):
                path.unlink()
        return results

    # -- shared -------------------------------------------------------------------------

    @staticmethod
    def _education_pc_if_any(session: Session) -> Partner | None:
        return session.scalar(
            select(Partner)
            .where(Partner.classroom == laptops.EDUCATION_PC)
            .order_by(Partner.paired_at.desc())
            .limit(1)
        )

    def _education_pc(self, session: Session) -> Partner:
        partner = self._education_pc_if_any(session)
        if partner is None:
            raise ValidationError(
                "This installation is not a classroom laptop: registers are carried from a "
                "laptop set up from the education PC."
            )
        return partner

    def _folder(self, partner: Partner, folder: Path | None) -> Path:
        chosen = Path(folder) if folder is not None else None
        if chosen is None and partner.exchange_folder:
            chosen = Path(partner.exchange_folder)
        if chosen is None:
            raise ValidationError("Choose the stick (or its folder) to carry the registers on.")
        if not chosen.is_dir():
            raise ValidationError(f"{chosen} cannot be found: is the stick plugged in?")
        return self.output_folder(chosen)

    def _laptop(self, site_id: uuid.UUID) -> LaptopInfo:
        with self._store.read() as session:
            partner = session.get(Partner, site_id)
            assert partner is not None
            return self._info(session, partner)

    def _info(self, session: Session, partner: Partner) -> LaptopInfo:
        site = session.get(Site, partner.site_id)
        return LaptopInfo(
            partner.site_id,
            site.name if site else "",
            self._cohort_names(session, partner),
            partner.fingerprint,
            partner.paired_at,
            partner.paired_by_name,
            partner.revoked_at,
            partner.last_exchange_at,
            partner.last_received_sequence,
            partner.exchange_folder,
        )

    @staticmethod
    def _cohort_names(session: Session, partner: Partner) -> tuple[str, ...]:
        names = []
        for cohort_id in laptops.cohorts_of(partner):
            cohort = session.get(Cohort, cohort_id)
            names.append(cohort.name if cohort is not None else "a cohort no longer here")
        return tuple(names)

    def _exported(self, session: Session, result: ExportResult) -> None:
        self._audit(
            session,
            "laptop.registers_written",
            "site",
            result.info.header.recipient,
            site=result.partner,
            sequence=result.sequence,
            records=result.total,
            digest=result.info.digest,
        )

    def _imported(self, session: Session, result: ImportResult) -> None:
        summary = result.summary
        self._audit(
            session,
            "laptop.registers_taken_in",
            "site",
            result.header.sender,
            site=result.sender,
            sequence=result.header.sequence,
            digest=result.digest,
            added=sum(summary.added.values()),
            updated=sum(summary.updated.values()),
            conflicts=len(summary.conflicts),
        )


# -- setting up a laptop from its kit ---------------------------------------------------


@dataclass(frozen=True)
class LaptopSetUp:
    recovery_key: RecoveryKey
    name: str
    education_pc: str
    first_bundle: ImportResult


def is_classroom_laptop(store: Store) -> bool:
    """Whether this installation was set up from a kit as a classroom laptop."""
    with store.read() as session:
        return LaptopService._education_pc_if_any(session) is not None


def read_kit(path: Path, passphrase: str) -> LaptopKit:
    """The kit at ``path`` opened with ``passphrase``, or a one-line reason why not."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_KIT_BYTES + 1)
    except OSError as error:
        raise KitRefused(f"The kit {path} cannot be read: {error.strerror}.") from error
    return open_kit(raw, passphrase)


def set_up_laptop(
    root: Path,
    kit: LaptopKit,
    *,
    username: str,
    display_name: str,
    password: str,
    progress: Callable[[str], None] | None = None,
) -> LaptopSetUp:
    """Make this computer's store from an opened kit: the laptop's own site, paired with
    the education PC, holding its cohorts' registers. The store is made beside
    ``root`` and moved in only once complete, so a failure leaves nothing behind."""
    root = Path(root)
    if StoreFolder(root).has_store():
        raise StoreAlreadyExists(f"{root} already holds a store. Choose another folder.")
    clear_abandoned_staging(root, "laptop")  # what a set-up killed part-way left
    staging = root.parent / f".{root.name}.laptop-{uuid.uuid4().hex[:8]}"
    try:
        created = create_store(
            staging,
            site_name=kit.laptop.name,
            site_kind=SiteKind.PRISON,
            admin_username=username,
            admin_display_name=display_name,
            admin_password=password,
            identity=kit.laptop,
        )
        store = created.store
        try:
            _pair_with_education_pc(store, kit, created.administrator_id, display_name)
            if progress is not None:
                progress("Taking in the registers")
            first = staging / f"first{SUFFIX}"
            first.write_bytes(kit.first_bundle)
            result = exchange.import_bundle(store, first)
            first.unlink()
        finally:
            store.close()
        move_new_store(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return LaptopSetUp(created.recovery_key, kit.laptop.name, kit.education_pc.name, result)


def _pair_with_education_pc(
    store: Store, kit: LaptopKit, account_id: uuid.UUID, display_name: str
) -> None:
    pc = kit.education_pc
    with store.write() as session:
        session.add(Site(id=pc.site_id, name=pc.name, kind=pc.kind, is_local=False))
        session.add(
            Partner(
                site_id=pc.site_id,
                signing_public=pc.signing_key,
                encryption_public=pc.encryption_key,
                fingerprint=fingerprint(pc),
                paired_by_name=display_name,
                paired_at=utc_now(),
                classroom=laptops.EDUCATION_PC,
                laptop_cohorts=laptops.cohorts_text(kit.cohorts),
            )
        )
        store.audit(
            session,
            actor_id=account_id,
            actor_name=display_name,
            action="laptop.set_up",
            subject_type="site",
            subject_id=str(pc.site_id),
            details={"site": pc.name, "cohorts": len(kit.cohorts)},
        )


def remove_kit(path: Path) -> bool:
    """Take the kit off the stick once the laptop is set up: it holds the laptop's keys."""
    try:
        Path(path).unlink()
    except OSError:
        return False
    return True
