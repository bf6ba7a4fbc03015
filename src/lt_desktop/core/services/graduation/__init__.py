"""Graduation: the ceremony that closes a course.

An event serves one cohort or several. It has a programme (speeches, music, the
catering partner), and visitors: the guests each student invites and the officials
and partners who come. Visitors to a prison must be cleared in advance, so each guest
goes through the prison's clearance (submitted, then cleared or refused) before a
deadline, and the screen warns of what is late and of the count against the room's
capacity. On the day, who attended is recorded, and the certificates presented there
are recorded against each student.

Students' attendance is kept where all attendance is kept: in the cohort's register,
as its graduation session. A cohort planned without one gets it, on the event's day,
the first time attendance is recorded.

Guests' names stay on this site (they never travel to a partner site) and never go
into the audit log.
"""

from lt_desktop.core.services.graduation.attendance import IssuedCertificates
from lt_desktop.core.services.graduation.ceremonies import (
    CohortRef,
    EventSummary,
    GraduationDetails,
)
from lt_desktop.core.services.graduation.graduates import GraduateLine
from lt_desktop.core.services.graduation.guests import STUDENT_GUEST_CATEGORIES, GuestInfo
from lt_desktop.core.services.graduation.programme import PROGRAMME_KINDS, ProgrammeItemInfo
from lt_desktop.core.services.graduation.service import GraduationService
from lt_desktop.core.services.graduation.warnings import (
    DEADLINE_NOTICE_DAYS,
    GraduationWarnings,
    HeadCount,
    LateGuest,
)

__all__ = [
    "CohortRef",
    "DEADLINE_NOTICE_DAYS",
    "EventSummary",
    "GraduateLine",
    "GraduationDetails",
    "GraduationService",
    "GraduationWarnings",
    "GuestInfo",
    "HeadCount",
    "IssuedCertificates",
    "LateGuest",
    "PROGRAMME_KINDS",
    "ProgrammeItemInfo",
    "STUDENT_GUEST_CATEGORIES",
]
