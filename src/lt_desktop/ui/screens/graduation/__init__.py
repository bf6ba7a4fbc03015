"""Graduation: the event and its cohorts, the programme, each student's guests and the
officials coming, the prison's clearance of every visitor, who attended, and the
certificates presented on the day.

The strip above the tabs always says what needs doing: guests late for clearance,
guests still to be submitted as the deadline nears, and the count against capacity.
"""

from lt_desktop.ui.screens.graduation.details import CohortDialog, DetailsTab, NewEventDialog
from lt_desktop.ui.screens.graduation.guests import GuestDialog, GuestsTab
from lt_desktop.ui.screens.graduation.printing import PrintDialog
from lt_desktop.ui.screens.graduation.programme import ItemDialog, ProgrammeTab
from lt_desktop.ui.screens.graduation.screen import GraduationScreen
from lt_desktop.ui.screens.graduation.students import IssueDialog, StudentsTab
from lt_desktop.ui.screens.graduation.tick_table import TickTableModel

__all__ = [
    "CohortDialog",
    "DetailsTab",
    "GraduationScreen",
    "GuestDialog",
    "GuestsTab",
    "IssueDialog",
    "ItemDialog",
    "NewEventDialog",
    "PrintDialog",
    "ProgrammeTab",
    "StudentsTab",
    "TickTableModel",
]
