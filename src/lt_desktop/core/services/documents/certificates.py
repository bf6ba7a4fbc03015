"""Certificates: issuing them for a cohort's students who completed it, with serial numbers
that are given once and never reused.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.documents.common import (
    CERTIFIED_STATUSES,
    CohortHeading,
    cohort_heading,
    find_graduation_session,
)
from lt_desktop.core.services.stationery import Logo, Signatory, stationery_of
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ATTENDED_STATUSES, MembershipRole
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    AttendanceMark,
    Certificate,
    Cohort,
    GraduationCohort,
    GraduationEvent,
    Membership,
    Site,
)

SERIAL_PREFIX = "LT"

#: Crockford's base 32: no I, L, O or U, so a code read aloud or typed is not misread.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

SITE_CODE_LENGTH = 4

#: ``LT-2026-K7QD-0001``; serials issued before they named their site: ``LT-2026-0001``.
_SERIAL = re.compile(r"^LT-(\d{4})-(?:([0-9A-HJKMNP-TV-Z]{4})-)?(\d{4,})$")


@dataclass(frozen=True)
class CertificateInfo:
    """What one certificate says. Unless the partnership chose to have the prison sign
    its certificates, nothing here names the prison: ``prison_name`` and
    ``partnership_name`` (which often carries the prison's name) are empty, and the
    university signs alone."""

    serial: str
    issued_on: date
    student_name: str
    course_title: str
    partnership_name: str
    university_name: str
    prison_name: str
    starts_on: date
    ends_on: date
    credits: int | None
    level: str | None
    newly_issued: bool
    signatories: tuple[Signatory, ...] = ()
    logo: Logo | None = None


@dataclass(frozen=True)
class CertificateBatch:
    heading: CohortHeading
    certificates: list[CertificateInfo]

    @property
    def newly_issued(self) -> list[CertificateInfo]:
        return [c for c in self.certificates if c.newly_issued]


class CertificateIssuing(Service):
    """Certificates for a cohort, issued once and printed again alike."""

    def issue_certificates(
        self, cohort_id: uuid.UUID, *, issued_on: date | None = None, only_present: bool = False
    ) -> CertificateBatch:
        """A certificate for every student who completed the cohort, or with
        ``only_present`` for those of them marked present at its graduation.

        A student who already has one keeps its serial number and date, so a re-print
        is the same certificate; the others get the next free numbers of the year. All
        of it is one transaction, recorded in the audit log.
        """
        self._require(Permission.PRINT_DOCUMENTS)
        # Issuing makes records (the serials), which a classroom laptop would never send.
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            self._require_cohort_visible(session, cohort_id)
            event_id = session.scalars(
                select(GraduationCohort.event_id).where(GraduationCohort.cohort_id == cohort_id)
            ).first()
            batch = issue_cohort_certificates(
                session,
                cohort_id,
                issued_on=issued_on or date.today(),
                event_id=event_id,
                only_present=only_present,
            )
            self._audit(
                session,
                "certificates.printed",
                "cohort",
                cohort_id,
                issued=len(batch.newly_issued),
                reprinted=len(batch.certificates) - len(batch.newly_issued),
                only_present=only_present,
            )
            return batch


def issue_cohort_certificates(
    session: Session,
    cohort_id: uuid.UUID,
    *,
    issued_on: date,
    event_id: uuid.UUID | None,
    at_event: bool = False,
    only_present: bool = False,
) -> CertificateBatch:
    """Certificates for the students who completed a cohort, inside the caller's
    transaction (the caller checks permissions and writes the audit entry).

    A student who already has a certificate keeps its serial number and date; the
    others get the next free numbers of the year, recorded against ``event_id``. With
    ``at_event``, a certificate issued before the graduation was arranged is recorded
    against it too, as the one presented there. With ``only_present``, only students
    marked present (or late, or leaving early) in the register of the cohort's
    graduation get one: those who could not come get theirs later.
    """
    heading = cohort_heading(session, cohort_id)
    cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
    students = list(
        session.scalars(
            select(Membership).where(
                Membership.cohort_id == cohort_id,
                Membership.role == MembershipRole.STUDENT,
                Membership.status.in_(CERTIFIED_STATUSES),
            )
        )
    )
    if not students:
        raise ValidationError(
            f"No student of {heading.title} has completed it yet, so there are no "
            "certificates to print. Mark students as completed or graduated first."
        )
    if only_present:
        present = present_at_graduation(session, cohort_id, event_id)
        students = [m for m in students if m.person_id in present]
        if not students:
            raise ValidationError(
                f"No student of {heading.title} who completed it is marked present at its "
                "graduation, so there are no certificates to print for those present. Tick "
                "who came on the Graduation screen first, or print them for everyone."
            )
    students.sort(key=lambda m: (m.person.sort_name.casefold(), m.person.display_name))
    existing = certificates_of(session, [m.id for m in students])
    serials = _free_serials(session, issued_on.year)
    course = cohort.course
    stationery = stationery_of(session, course.partnership_id)
    prison_signs = stationery.prison_signature_on_certificates
    signatories = tuple(stationery.signatories())
    certificates = []
    for membership in students:
        row = existing.get(membership.id)
        new = row is None
        if row is None:
            row = Certificate(
                membership_id=membership.id,
                serial=next(serials),
                issued_on=issued_on,
                event_id=event_id,
            )
            session.add(row)
        elif at_event and row.event_id is None:
            row.event_id = event_id
        certificates.append(
            CertificateInfo(
                serial=row.serial,
                issued_on=row.issued_on,
                student_name=membership.person.display_name,
                course_title=heading.course_title,
                partnership_name=heading.partnership_name if prison_signs else "",
                university_name=heading.university_name,
                prison_name=heading.prison_name if prison_signs else "",
                starts_on=heading.starts_on,
                ends_on=heading.ends_on,
                credits=course.credits if course.accredited else None,
                level=course.level if course.accredited else None,
                newly_issued=new,
                signatories=signatories,
                logo=stationery.logo,
            )
        )
    session.flush()
    return CertificateBatch(heading, certificates)


def present_at_graduation(
    session: Session, cohort_id: uuid.UUID, event_id: uuid.UUID | None
) -> set[uuid.UUID]:
    """The people marked as having come to the cohort's graduation (present, late or
    leaving early), in its register: the graduation session nearest the ceremony's
    day, or the cohort's last graduation session where no ceremony is arranged."""
    event = session.get(GraduationEvent, event_id) if event_id is not None else None
    # Without a ceremony arranged, the cohort's last graduation session.
    register = find_graduation_session(
        session, cohort_id, event.held_on if event is not None else date.max
    )
    if register is None:
        return set()
    return set(
        session.scalars(
            select(AttendanceMark.person_id).where(
                AttendanceMark.session_id == register.id,
                AttendanceMark.status.in_(ATTENDED_STATUSES),
            )
        )
    )


def certificates_of(
    session: Session, membership_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Certificate]:
    """The certificate of each of these places in a cohort that has one.

    Two sites may each have issued one (the education department and a laptop): the
    first issued is the one shown and printed again, the same one at every site.
    """
    found: dict[uuid.UUID, Certificate] = {}
    for certificate in session.scalars(
        select(Certificate)
        .where(Certificate.membership_id.in_(list(membership_ids)))
        .order_by(Certificate.issued_on, Certificate.created_at, Certificate.id)
    ):
        found.setdefault(certificate.membership_id, certificate)
    return found


def site_code(site_id: uuid.UUID) -> str:
    """Four characters that stand for a site in the serial numbers it issues, taken from
    its id: two sites number their certificates independently, and the code keeps their
    serials apart without their ever agreeing on numbers."""
    value = int.from_bytes(hashlib.sha256(site_id.bytes).digest()[:4], "big")
    return "".join(_CODE_ALPHABET[(value >> (27 - 5 * n)) & 31] for n in range(SITE_CODE_LENGTH))


def serial_number(site_id: uuid.UUID, year: int, number: int) -> str:
    """The serial of a certificate ``site_id`` issues: ``LT-2026-K7QD-0001``."""
    return f"{SERIAL_PREFIX}-{year}-{site_code(site_id)}-{number:04d}"


def _free_serials(session: Session, year: int) -> Iterator[str]:
    """Serial numbers this site has not yet used in ``year``, in order. Removed
    certificates keep theirs, and numbering carries on from the serials it issued before
    they named the site, so a number is never given twice."""
    site_id = session.scalar(select(Site.id).where(Site.is_local.is_(True)))
    assert site_id is not None  # every store knows its own site
    code = site_code(site_id)
    used = session.execute(
        select(Certificate.serial, Certificate.origin_site_id)
        .where(Certificate.serial.like(f"{SERIAL_PREFIX}-{year}-%"))
        .execution_options(**{INCLUDE_DELETED: True})
    )
    highest = 0
    for serial, origin in used:
        match = _SERIAL.match(serial)
        if match and (match.group(2) == code or (match.group(2) is None and origin == site_id)):
            highest = max(highest, int(match.group(3)))
    number = highest
    while True:
        number += 1
        yield serial_number(site_id, year, number)
