"""The graduation service, one class made of the parts of a ceremony."""

from __future__ import annotations

from lt_desktop.core.services.graduation.attendance import AttendancePart
from lt_desktop.core.services.graduation.ceremonies import CeremoniesPart
from lt_desktop.core.services.graduation.guests import GuestsPart
from lt_desktop.core.services.graduation.programme import ProgrammePart


class GraduationService(CeremoniesPart, ProgrammePart, GuestsPart, AttendancePart):
    """Graduation ceremonies, from planning to the certificates presented on the day. Each
    part is a class of its own; this one puts them together."""
