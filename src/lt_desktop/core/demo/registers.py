"""The demo's registers: who came to each session that has been marked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from lt_desktop.core.demo.base import (
    RECORDER,
    DemoBuilderBase,
    DemoCohort,
    gone_by,
)
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    MarkReason,
    MembershipRole,
    PersonBase,
)
from lt_desktop.storage import models as m


class Registers(DemoBuilderBase):
    """Takes the register of every marked session."""

    def _attendance(self, cohort: DemoCohort) -> None:
        recorded = datetime.combine(cohort.row.starts_on, time(16, 5), UTC)
        for session_row in cohort.sessions:
            if session_row.week > cohort.marked_weeks:
                continue
            for membership, person in cohort.members:
                if membership.role not in (
                    MembershipRole.STUDENT,
                    MembershipRole.MENTOR,
                    MembershipRole.FACILITATOR,
                ):
                    continue
                if gone_by(membership, session_row.held_on):
                    continue
                # A cancelled week takes no register; its numbers are still drawn, so
                # that every other week's marks are those of the demo as it always was.
                status, reason = self._attendance_status(person)
                if not cohort.marked(session_row):
                    continue
                self.session.add(
                    m.AttendanceMark(
                        session_id=session_row.id,
                        person_id=person.id,
                        status=status,
                        absence_reason=reason,
                        recorded_by_name=RECORDER,
                        recorded_at=recorded + timedelta(weeks=session_row.week - 1),
                    )
                )

    def _attendance_status(self, person: m.Person) -> tuple[AttendanceStatus, MarkReason | None]:
        roll = self.rng.random()
        if roll < 0.84:
            return AttendanceStatus.PRESENT, None
        if roll < 0.90:
            return AttendanceStatus.LATE, None
        if roll < 0.92:
            return AttendanceStatus.LEFT_EARLY, None
        if roll < 0.95:
            return AttendanceStatus.EXCUSED, None
        reasons: Sequence[MarkReason] = (
            [
                MarkReason.LOCKDOWN,
                MarkReason.LEGAL_VISIT,
                MarkReason.HEALTHCARE,
                MarkReason.WORK_OR_COURT,
            ]
            if person.base is PersonBase.PRISON
            else [MarkReason.ILLNESS, MarkReason.PERSONAL]
        )
        return AttendanceStatus.ABSENT, self.rng.choice(list(reasons))
