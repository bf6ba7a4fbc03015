"""A partnership's stationery: how its certificates and letters are signed and headed.

A certificate is something a graduate shows a future employer, so by default it names
no prison: no prison's name, no prison signature line, not even the partnership's name
(which often carries the prison's). A partnership may choose to have the prison sign
too. Either way each certificate names its signatories with their titles, and may
carry the partnership's logo, a PNG or JPEG picture kept inside the encrypted store.
Letters carry the same logo and the partnership's return address.

Stationery is a programme record, like the partnership: both sides may change it, and
it travels with the partnership (``sync.outgoing``), never to a classroom laptop.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.models import Partnership, Stationery

#: The largest logo kept: a logo printed a few centimetres wide needs far less.
MAX_LOGO_BYTES = 1024 * 1024
#: Pixels along either side, at least and at most.
LOGO_SIDES = (16, 4000)
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
NAME_LIMIT = 200
ADDRESS_LIMIT = 400
ADDRESS_LINES = 6


@dataclass(frozen=True)
class Logo:
    data: bytes = field(repr=False)
    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class Signatory:
    """Someone who signs a certificate: a line to sign on, their name, title, and who
    they sign for."""

    name: str
    title: str
    signs_for: str


@dataclass(frozen=True)
class StationeryInfo:
    partnership_id: uuid.UUID
    partnership_name: str
    prison_name: str
    university_name: str
    prison_signature_on_certificates: bool = False
    university_signatory: str = ""
    university_signatory_title: str = ""
    prison_signatory: str = ""
    prison_signatory_title: str = ""
    return_address: str = ""
    logo: Logo | None = None

    @property
    def return_address_lines(self) -> list[str]:
        return [line.strip() for line in self.return_address.splitlines() if line.strip()]

    def signatories(self) -> list[Signatory]:
        """Who signs a certificate: the university always; the prison only when the
        partnership chose to have it sign."""
        found = [
            Signatory(
                self.university_signatory, self.university_signatory_title, self.university_name
            )
        ]
        if self.prison_signature_on_certificates:
            found.append(
                Signatory(self.prison_signatory, self.prison_signatory_title, self.prison_name)
            )
        return found


def stationery_of(session: Session, partnership_id: uuid.UUID) -> StationeryInfo:
    """The partnership's stationery, or the plain defaults where none was set."""
    partnership = get_or_not_found(session, Partnership, partnership_id, "partnership")
    row = _row(session, partnership_id)
    plain = StationeryInfo(
        partnership.id,
        partnership.name,
        partnership.prison_name,
        partnership.university_name,
    )
    if row is None:
        return plain
    logo = None
    if row.logo:
        try:
            logo = _checked_logo(row.logo)
        except ValidationError:
            logo = None  # a picture that no longer reads is left off, not printed broken
    return StationeryInfo(
        partnership.id,
        partnership.name,
        partnership.prison_name,
        partnership.university_name,
        prison_signature_on_certificates=row.prison_signature_on_certificates,
        university_signatory=row.university_signatory,
        university_signatory_title=row.university_signatory_title,
        prison_signatory=row.prison_signatory,
        prison_signatory_title=row.prison_signatory_title,
        return_address=row.return_address,
        logo=logo,
    )


def _row(session: Session, partnership_id: uuid.UUID) -> Stationery | None:
    return session.scalars(
        select(Stationery)
        .where(Stationery.partnership_id == partnership_id)
        .order_by(Stationery.created_at, Stationery.id)
    ).first()


def read_logo(data: bytes) -> Logo:
    """The picture as a logo, or a plain refusal: a PNG or JPEG, no larger than
    ``MAX_LOGO_BYTES``, that can be read whole."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            f"That picture is {len(data) / 1024 / 1024:.1f} MB: a logo may be at most 1 MB. "
            "Save it smaller (a logo needs no more than about 1,000 pixels across)."
        )
    return _checked_logo(data)


def _checked_logo(data: bytes) -> Logo:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind = picture.format or ""
            width, height = picture.size
            if kind in LOGO_TYPES:
                picture.load()  # the whole picture, so a damaged file is found now
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            "That file is not a picture LT Desktop can read: choose a PNG or JPEG file."
        ) from None
    if kind not in LOGO_TYPES:
        raise ValidationError("A logo must be a PNG or JPEG picture.")
    low, high = LOGO_SIDES
    if min(width, height) < low or max(width, height) > high:
        raise ValidationError(
            f"That picture is {width} × {height} pixels: a logo needs between {low} and "
            f"{high:,} pixels along each side."
        )
    return Logo(data, LOGO_TYPES[kind], width, height)


class StationeryService(Service):
    """Reading and setting a partnership's stationery, by those who run the programme."""

    def stationery(self, partnership_id: uuid.UUID) -> StationeryInfo:
        self._require(Permission.EDIT_PROGRAMME)
        with self._store.read() as session:
            return stationery_of(session, partnership_id)

    def set_stationery(
        self,
        partnership_id: uuid.UUID,
        *,
        prison_signature_on_certificates: bool,
        university_signatory: str = "",
        university_signatory_title: str = "",
        prison_signatory: str = "",
        prison_signatory_title: str = "",
        return_address: str = "",
    ) -> StationeryInfo:
        """How the partnership's certificates are signed, and its letters' return
        address. The logo is kept as it is (``set_logo``)."""
        self._require(Permission.EDIT_PROGRAMME)
        values = {
            "university_signatory": _text(university_signatory, "university signatory's name"),
            "university_signatory_title": _text(
                university_signatory_title, "university signatory's title"
            ),
            "prison_signatory": _text(prison_signatory, "prison signatory's name"),
            "prison_signatory_title": _text(prison_signatory_title, "prison signatory's title"),
        }
        address = "\n".join(line.strip() for line in return_address.strip().splitlines())
        if len(address) > ADDRESS_LIMIT or len(address.splitlines()) > ADDRESS_LINES:
            raise ValidationError(
                f"The return address is limited to {ADDRESS_LINES} lines and "
                f"{ADDRESS_LIMIT} characters."
            )
        with self._store.write() as session:
            row = self._writable(session, partnership_id)
            row.prison_signature_on_certificates = prison_signature_on_certificates
            for name, value in values.items():
                setattr(row, name, value)
            row.return_address = address
            session.flush()
            self._audit(
                session,
                "stationery.changed",
                "partnership",
                partnership_id,
                prison_signs=prison_signature_on_certificates,
            )
            return stationery_of(session, partnership_id)

    def set_logo(self, partnership_id: uuid.UUID, data: bytes) -> StationeryInfo:
        """Keep a PNG or JPEG picture as the partnership's logo, checked first."""
        self._require(Permission.EDIT_PROGRAMME)
        logo = read_logo(data)
        with self._store.write() as session:
            row = self._writable(session, partnership_id)
            row.logo = logo.data
            row.logo_type = logo.media_type
            session.flush()
            self._audit(
                session, "stationery.logo_set", "partnership", partnership_id, bytes=len(data)
            )
            return stationery_of(session, partnership_id)

    def remove_logo(self, partnership_id: uuid.UUID) -> StationeryInfo:
        self._require(Permission.EDIT_PROGRAMME)
        with self._store.write() as session:
            row = self._writable(session, partnership_id)
            row.logo = None
            row.logo_type = ""
            session.flush()
            self._audit(session, "stationery.logo_removed", "partnership", partnership_id)
            return stationery_of(session, partnership_id)

    def _writable(self, session: Session, partnership_id: uuid.UUID) -> Stationery:
        get_or_not_found(session, Partnership, partnership_id, "partnership")
        row = _row(session, partnership_id)
        if row is None:
            row = Stationery(partnership_id=partnership_id)
            session.add(row)
        return row


def _text(value: str, what: str) -> str:
    cleaned = " ".join(value.split())
    if len(cleaned) > NAME_LIMIT:
        raise ValidationError(f"The {what} is limited to {NAME_LIMIT} characters.")
    return cleaned
