"""The day itself: who came, and the certificates presented."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.core.services.documents.certificates import (
    CertificateInfo,
    issue_cohort_certificates,
    present_at_graduation,
)
from lt_desktop.core.services.documents.common import CERTIFIED_STATUSES
from lt_desktop.core.services.graduation.ceremonies import GraduationDetails, event_summary
from lt_desktop.core.services.graduation.common import (
    GraduationPart,
    cohort_ids_of,
    how_many,
    title_of,
)
from lt_desktop.core.services.graduation.graduates import (
    GRADUATING_STATUSES,
    graduates_of,
    graduation_register,
)
from lt_desktop.core.services.graduation.guests import guests_of
from lt_desktop.core.services.graduation.programme import programme_of
from lt_desktop.core.services.graduation.warnings import warnings_of
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ATTENDED_STATUSES,
    AttendanceStatus,
    ClearanceStatus,
    MarkReason,
    MembershipRole,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    GraduationGuest,
    Membership,
    utc_now,
)


@dataclass(frozen=True)
class IssuedCertificates:
    event_id: uuid.UUID
    certificates: list[CertificateInfo]  # one per student who completed, by cohort
    skipped_cohorts: list[str] = field(default_factory=list)  # none completed there yet

    @property
    def newly_issued(self) -> int:
        return sum(1 for c in self.certificates if c.newly_issued)

    def describe(self) -> str:
        kept = len(self.certificates) - self.newly_issued
        text = (
            f"{how_many(len(self.certificates), 'certificate')}: {self.newly_issued} newly issued"
        )
        if kept:
            text += f", {kept} already issued (they keep their serial numbers)"
        return text + "."


class AttendancePart(GraduationPart):
    """Who came, and certificates."""

    def record_attendance(
        self,
        event_id: uuid.UUID,
        *,
        guests: Mapping[uuid.UUID, bool | None] | None = None,
        students: Mapping[uuid.UUID, bool | None] | None = None,
        today: date | None = None,
    ) -> GraduationDetails:
        """Who came: guests by id, students by membership (True attended, False did not,
        None not recorded). Students' attendance goes into the cohort's register."""
        self._require(Permission.MANAGE_GRADUATION)
        today = today or date.today()
        guests, students = guests or {}, students or {}
        with self._store.write() as session:
            event = self._event(session, event_id)
            if event.held_on > today:
                raise ValidationError(
                    f"The graduation is on {event.held_on:%d %b %Y}: record who attended "
                    "on the day or after it."
                )
            for guest_id, attended in guests.items():
                row = get_or_not_found(session, GraduationGuest, guest_id, "guest")
                if row.event_id != event_id:
                    raise ValidationError("That guest is not invited to this graduation.")
                if attended and row.clearance is not ClearanceStatus.CLEARED:
                    raise ValidationError(
                        f"{row.name} was not cleared to attend, so cannot have been admitted."
                    )
                row.attended = attended
            cohorts = set(cohort_ids_of(session, event_id))
            registers: dict[uuid.UUID, ClassSession] = {}
            for membership_id, attended in students.items():
                membership = get_or_not_found(session, Membership, membership_id, "student")
                if (
                    membership.cohort_id not in cohorts
                    or membership.role is not MembershipRole.STUDENT
                    or membership.status not in GRADUATING_STATUSES
                ):
                    raise ValidationError(
                        f"{membership.person.display_name} is not graduating at this event."
                    )
                if membership.cohort_id not in registers:
                    registers[membership.cohort_id] = graduation_register(
                        session, membership.cohort_id, event
                    )
                self._mark(session, registers[membership.cohort_id], membership, attended)
            session.flush()
            self._audit(
                session,
                "graduation.attendance",
                "graduation_event",
                event.id,
                guests=len(guests),
                students=len(students),
            )
            guest_rows = guests_of(session, event_id)
            graduates = graduates_of(session, event)
            return GraduationDetails(
                event_summary(session, event),
                programme_of(session, event_id),
                guest_rows,
                graduates,
                warnings_of(event, guest_rows, graduates, today),
            )

    def _mark(
        self,
        session: Session,
        register: ClassSession,
        membership: Membership,
        attended: bool | None,
    ) -> None:
        row = session.scalars(
            select(AttendanceMark)
            .where(
                AttendanceMark.session_id == register.id,
                AttendanceMark.person_id == membership.person_id,
            )
            .execution_options(**{INCLUDE_DELETED: True})
        ).first()
        live = row is not None and row.deleted_at is None
        if attended is None:
            if row is not None and live:
                row.deleted_at = utc_now()
            return
        if live and row is not None and (row.status in ATTENDED_STATUSES) == attended:
            return  # already says so (late or excused are kept as they are)
        if row is None:
            row = AttendanceMark(session_id=register.id, person_id=membership.person_id)
            session.add(row)
        row.deleted_at = None
        row.status = AttendanceStatus.PRESENT if attended else AttendanceStatus.ABSENT
        row.absence_reason = None if attended else MarkReason.UNKNOWN
        row.note = ""
        row.recorded_by_id = self.actor.user_id
        row.recorded_by_name = self.actor.display_name
        row.recorded_at = utc_now()

    def issue_certificates(
        self, event_id: uuid.UUID, *, issued_on: date | None = None, only_present: bool = False
    ) -> IssuedCertificates:
        """A certificate for every student of the event's cohorts who completed the
        course, awarded on the day of the graduation and recorded against it; with
        ``only_present``, for those of them ticked as having come.

        Certificates already issued keep their serial numbers and dates, so issuing
        again changes nothing; one issued before the graduation was arranged is recorded
        as presented there. One transaction, in the audit log.
        """
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            event = self._event(session, event_id)
            when = issued_on or event.held_on
            cohorts = sorted(
                (
                    get_or_not_found(session, Cohort, c, "cohort")
                    for c in cohort_ids_of(session, event_id)
                ),
                key=lambda c: (c.starts_on, title_of(c)),
            )
            if not cohorts:
                raise ValidationError(
                    "No cohort graduates at this event yet: add the cohort first."
                )
            certificates: list[CertificateInfo] = []
            skipped = []
            for cohort in cohorts:
                completed = select(func.count()).where(
                    Membership.cohort_id == cohort.id,
                    Membership.role == MembershipRole.STUDENT,
                    Membership.status.in_(CERTIFIED_STATUSES),
                    Membership.deleted_at.is_(None),
                )
                if only_present:
                    completed = completed.where(
                        Membership.person_id.in_(
                            present_at_graduation(session, cohort.id, event.id)
                        )
                    )
                if not session.scalar(completed):
                    skipped.append(title_of(cohort))
                    continue
                batch = issue_cohort_certificates(
                    session,
                    cohort.id,
                    issued_on=when,
                    event_id=event.id,
                    at_event=True,
                    only_present=only_present,
                )
                certificates.extend(batch.certificates)
            if not certificates and only_present:
                raise ValidationError(
                    "No student who completed the course is ticked as having come to this "
                    "graduation, so there are no certificates to issue for those present. Tick "
                    "who came first, or issue them for everyone."
                )
            if not certificates:
                raise ValidationError(
                    "No student graduating at this event has completed the course yet, so there "
                    "are no certificates to issue. Mark students as completed or graduated first "
                    "(Cohorts screen)."
                )
            result = IssuedCertificates(event.id, certificates, skipped)
            self._audit(
                session,
                "graduation.certificates_issued",
                "graduation_event",
                event.id,
                issued=result.newly_issued,
                kept=len(certificates) - result.newly_issued,
                only_present=only_present,
            )
            return result
