"""The students graduating, and the register of the ceremony where their coming is marked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.consent import has_consent
from lt_desktop.core.services.documents.certificates import certificates_of
from lt_desktop.core.services.documents.common import (
    CERTIFIED_STATUSES,
    find_graduation_session,
)
from lt_desktop.core.services.graduation.common import cohort_ids_of, title_of
from lt_desktop.domain.vocabulary import (
    ATTENDED_STATUSES,
    ConsentScope,
    MembershipRole,
    MembershipStatus,
    SessionKind,
)
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    GraduationEvent,
    Membership,
)

#: Students who graduate at the event: those still on the course and those who finished.
GRADUATING_STATUSES = frozenset(
    {MembershipStatus.ACTIVE, MembershipStatus.COMPLETED, MembershipStatus.GRADUATED}
)


@dataclass(frozen=True)
class GraduateLine:
    """A student graduating at the event, whether they attended, and their certificate."""

    membership_id: uuid.UUID
    person_id: uuid.UUID
    name: str
    sort_name: str
    cohort_id: uuid.UUID
    cohort_title: str
    status: MembershipStatus
    attended: bool | None
    certificate_serial: str
    certificate_event_id: uuid.UUID | None
    #: They have not consented to photographs at graduation.
    no_photos: bool = False

    @property
    def completed(self) -> bool:
        return self.status in CERTIFIED_STATUSES


def graduation_register(
    session: Session, cohort_id: uuid.UUID, event: GraduationEvent
) -> ClassSession:
    """The cohort's graduation session, or a new one on the event's day after the
    cohort's last week if it was planned without one."""
    found = find_graduation_session(session, cohort_id, event.held_on)
    if found is not None:
        return found
    last_week = session.scalar(
        select(func.max(ClassSession.week)).where(ClassSession.cohort_id == cohort_id)
    )
    row = ClassSession(
        cohort_id=cohort_id,
        week=(last_week or 0) + 1,
        held_on=event.held_on,
        kind=SessionKind.GRADUATION,
        title=event.title[:300],
        location=event.venue[:200],
    )
    session.add(row)
    session.flush()
    return row


def graduates_of(session: Session, event: GraduationEvent) -> list[GraduateLine]:
    cohorts = {
        c.id: c
        for c in session.scalars(
            select(Cohort).where(Cohort.id.in_(cohort_ids_of(session, event.id)))
        )
    }
    memberships = list(
        session.scalars(
            select(Membership).where(
                Membership.cohort_id.in_(list(cohorts)),
                Membership.role == MembershipRole.STUDENT,
                Membership.status.in_(GRADUATING_STATUSES),
            )
        )
    )
    certificates = certificates_of(session, [m.id for m in memberships])
    attended: dict[tuple[uuid.UUID, uuid.UUID], bool] = {}
    for cohort_id in cohorts:
        register = find_graduation_session(session, cohort_id, event.held_on)
        if register is None:
            continue
        for person_id, status in session.execute(
            select(AttendanceMark.person_id, AttendanceMark.status).where(
                AttendanceMark.session_id == register.id
            )
        ):
            attended[(cohort_id, person_id)] = status in ATTENDED_STATUSES
    lines = []
    for m in memberships:
        certificate = certificates.get(m.id)
        lines.append(
            GraduateLine(
                membership_id=m.id,
                person_id=m.person_id,
                name=m.person.display_name,
                sort_name=m.person.sort_name,
                cohort_id=m.cohort_id,
                cohort_title=title_of(cohorts[m.cohort_id]),
                status=m.status,
                attended=attended.get((m.cohort_id, m.person_id)),
                certificate_serial=certificate.serial if certificate else "",
                certificate_event_id=certificate.event_id if certificate else None,
                no_photos=not has_consent(session, m.person_id, ConsentScope.GRADUATION_PHOTOS),
            )
        )
    lines.sort(key=lambda line: (line.sort_name.casefold(), line.cohort_title))
    return lines
