"""The guest list: each student's guests and the officials coming, and the prison's
clearance of every visitor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.core.services.graduation.common import GraduationPart, checked_text, cohort_ids_of
from lt_desktop.core.services.graduation.graduates import GRADUATING_STATUSES
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ClearanceStatus, GuestCategory, MembershipRole
from lt_desktop.storage.models import GraduationEvent, GraduationGuest, Membership, utc_now

#: Guests a student invites; everyone else comes as an official or a partner.
STUDENT_GUEST_CATEGORIES = frozenset({GuestCategory.FAMILY, GuestCategory.FRIEND})


@dataclass(frozen=True)
class GuestInfo:
    id: uuid.UUID
    event_id: uuid.UUID
    name: str
    relationship: str
    category: GuestCategory
    clearance: ClearanceStatus
    submitted_on: date | None
    decided_on: date | None
    attended: bool | None
    notes: str
    invited_by_id: uuid.UUID | None  # the inviting student's membership
    guest_of: str  # that student's name
    #: The guest asked not to be photographed (marked on the lists staff use).
    no_photos: bool = False

    def describe_clearance(self) -> str:
        if self.clearance is ClearanceStatus.SUBMITTED and self.submitted_on:
            return f"Submitted {self.submitted_on:%d %b %Y}"
        if self.clearance in (ClearanceStatus.CLEARED, ClearanceStatus.REFUSED):
            when = f" {self.decided_on:%d %b %Y}" if self.decided_on else ""
            return f"{self.clearance.label}{when}"
        return self.clearance.label


class GuestsPart(GraduationPart):
    """Guests and their clearance."""

    def add_guest(
        self,
        event_id: uuid.UUID,
        *,
        name: str,
        category: GuestCategory,
        relationship: str = "",
        invited_by_id: uuid.UUID | None = None,
        notes: str = "",
        no_photos: bool = False,
    ) -> GuestInfo:
        """A student's guest (family, friend: ``invited_by_id`` is the student's
        membership), or an official, partner or offender manager; ``no_photos`` if they
        asked not to be photographed."""
        self._require(Permission.MANAGE_GRADUATION)
        values = _guest_values(name, category, relationship, invited_by_id, notes, no_photos)
        with self._store.write() as session:
            event = self._event(session, event_id)
            self._check_inviter(session, event, invited_by_id)
            row = GraduationGuest(event_id=event_id, **values)
            session.add(row)
            session.flush()
            self._audit(
                session,
                "graduation.guest_added",
                "graduation_guest",
                row.id,
                category=category.value,
            )
            return guest_info(session, row)

    def update_guest(
        self,
        guest_id: uuid.UUID,
        *,
        name: str,
        category: GuestCategory,
        relationship: str,
        invited_by_id: uuid.UUID | None,
        notes: str,
        no_photos: bool = False,
    ) -> GuestInfo:
        self._require(Permission.MANAGE_GRADUATION)
        values = _guest_values(name, category, relationship, invited_by_id, notes, no_photos)
        with self._store.write() as session:
            row = get_or_not_found(session, GraduationGuest, guest_id, "guest")
            event = self._event(session, row.event_id)
            self._check_inviter(session, event, invited_by_id)
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            self._audit(session, "graduation.guest_changed", "graduation_guest", row.id)
            return guest_info(session, row)

    def remove_guest(self, guest_id: uuid.UUID) -> None:
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            row = get_or_not_found(session, GraduationGuest, guest_id, "guest")
            self._event(session, row.event_id)
            row.deleted_at = utc_now()
            session.flush()
            self._audit(session, "graduation.guest_removed", "graduation_guest", row.id)

    def _check_inviter(
        self, session: Session, event: GraduationEvent, membership_id: uuid.UUID | None
    ) -> None:
        if membership_id is None:
            return
        membership = session.get(Membership, membership_id)
        cohorts = set(cohort_ids_of(session, event.id))
        if (
            membership is None
            or membership.deleted_at is not None
            or membership.cohort_id not in cohorts
            or membership.role is not MembershipRole.STUDENT
        ):
            raise ValidationError(
                "A guest is invited by a student graduating at this event: choose one of them."
            )
        if membership.status not in GRADUATING_STATUSES:
            raise ValidationError(
                f"{membership.person.display_name} is not graduating at this event, so cannot "
                "invite guests to it."
            )

    def submit(self, guest_id: uuid.UUID, *, on: date, today: date | None = None) -> GuestInfo:
        """The guest's details went to the prison for clearance on ``on``."""
        return self._clearance(guest_id, ClearanceStatus.SUBMITTED, on, today)

    def clear(self, guest_id: uuid.UUID, *, on: date, today: date | None = None) -> GuestInfo:
        """The prison cleared the guest to attend."""
        return self._clearance(guest_id, ClearanceStatus.CLEARED, on, today)

    def refuse(self, guest_id: uuid.UUID, *, on: date, today: date | None = None) -> GuestInfo:
        """The prison refused the guest: they will not be admitted."""
        return self._clearance(guest_id, ClearanceStatus.REFUSED, on, today)

    def reset_clearance(self, guest_id: uuid.UUID) -> GuestInfo:
        """Back to not submitted, for a step recorded by mistake; its dates go with it."""
        return self._clearance(guest_id, ClearanceStatus.NOT_SUBMITTED, None, None)

    def _clearance(
        self,
        guest_id: uuid.UUID,
        status: ClearanceStatus,
        on: date | None,
        today: date | None,
    ) -> GuestInfo:
        self._require(Permission.MANAGE_GRADUATION)
        today = today or date.today()
        if on is not None and on > today:
            raise ValidationError(
                f"{on:%d %b %Y} has not come yet: record a clearance step on or after the day "
                "it happens."
            )
        with self._store.write() as session:
            row = get_or_not_found(session, GraduationGuest, guest_id, "guest")
            self._event(session, row.event_id)
            if status is ClearanceStatus.SUBMITTED:
                assert on is not None
                if row.clearance in (ClearanceStatus.SUBMITTED, ClearanceStatus.CLEARED):
                    raise ConflictError(
                        f"{row.name} is already {row.clearance.label.lower()}; nothing to submit."
                    )
                row.submitted_on, row.decided_on = on, None
            elif status is ClearanceStatus.NOT_SUBMITTED:
                row.submitted_on = row.decided_on = None
            else:
                assert on is not None
                if row.clearance is ClearanceStatus.NOT_SUBMITTED or row.submitted_on is None:
                    raise ValidationError(
                        f"{row.name} has not been submitted for clearance yet, so cannot be "
                        f"{status.label.lower()}. Record when they were submitted first."
                    )
                if row.clearance is status:
                    raise ConflictError(f"{row.name} is already {status.label.lower()}.")
                if on < row.submitted_on:
                    raise ValidationError(
                        f"{row.name} was submitted on {row.submitted_on:%d %b %Y}; the prison "
                        "cannot have decided before that."
                    )
                row.decided_on = on
            row.clearance = status
            if status is not ClearanceStatus.CLEARED and row.attended:
                row.attended = None  # only a cleared guest can have been admitted
            session.flush()
            self._audit(
                session,
                "graduation.guest_clearance",
                "graduation_guest",
                row.id,
                clearance=status.value,
                on=on.isoformat() if on else None,
            )
            return guest_info(session, row)


def guest_info(session: Session, row: GraduationGuest, inviter: str | None = None) -> GuestInfo:
    if inviter is None:
        membership = session.get(Membership, row.invited_by_id) if row.invited_by_id else None
        inviter = membership.person.display_name if membership is not None else ""
    return GuestInfo(
        row.id,
        row.event_id,
        row.name,
        row.relationship_to_student,
        row.category,
        row.clearance,
        row.submitted_on,
        row.decided_on,
        row.attended,
        row.notes,
        row.invited_by_id,
        inviter,
        row.no_photos,
    )


def guests_of(session: Session, event_id: uuid.UUID) -> list[GuestInfo]:
    """The event's guests: each student's guests together (students by name), then
    officials and partners, by name."""
    rows = list(
        session.scalars(select(GraduationGuest).where(GraduationGuest.event_id == event_id))
    )
    inviters = {
        m.id: m
        for m in session.scalars(
            select(Membership).where(
                Membership.id.in_({r.invited_by_id for r in rows if r.invited_by_id})
            )
        )
    }

    def order(row: GraduationGuest) -> tuple[int, str, str]:
        inviter = inviters.get(row.invited_by_id) if row.invited_by_id else None
        return (
            0 if inviter is not None else 1,
            inviter.person.sort_name.casefold() if inviter is not None else "",
            row.name.casefold(),
        )

    rows.sort(key=order)
    return [
        guest_info(
            session,
            row,
            inviters[row.invited_by_id].person.display_name
            if row.invited_by_id in inviters
            else "",
        )
        for row in rows
    ]


def _guest_values(
    name: str,
    category: GuestCategory,
    relationship: str,
    invited_by_id: uuid.UUID | None,
    notes: str,
    no_photos: bool,
) -> dict[str, object]:
    if category in STUDENT_GUEST_CATEGORIES and invited_by_id is None:
        raise ValidationError(
            f"A guest who comes as {category.label.lower()} is a student's guest: choose the "
            "student who invited them."
        )
    return {
        "name": checked_text(name, "guest's name", 200, required=True),
        "category": category,
        "relationship_to_student": checked_text(relationship, "relationship", 100),
        "invited_by_id": invited_by_id,
        "notes": checked_text(notes, "notes", 2_000),
        "no_photos": no_photos,
    }
