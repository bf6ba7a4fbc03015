"""Applications: recording them (paper forms fast, by keyboard), assessing statements
against the rubric, deciding with the cohort's places and balance in view, answering
offers, and the letters.

No view here says where an applicant is based. The cohort's balance is shown as
numbers, and the waiting list is offered places in a way that keeps it even.
"""

from lt_desktop.ui.screens.applications.assess import AssessView
from lt_desktop.ui.screens.applications.decisions import DecisionsView
from lt_desktop.ui.screens.applications.forms import (
    DeclineDialog,
    EditApplicationDialog,
    EnterApplicationsDialog,
    LettersDialog,
)
from lt_desktop.ui.screens.applications.model import ApplicationsModel
from lt_desktop.ui.screens.applications.rubric import RubricDialog
from lt_desktop.ui.screens.applications.scans import ScanDialog
from lt_desktop.ui.screens.applications.screen import ApplicationsScreen

__all__ = [
    "ApplicationsModel",
    "ApplicationsScreen",
    "AssessView",
    "DecisionsView",
    "DeclineDialog",
    "EditApplicationDialog",
    "EnterApplicationsDialog",
    "LettersDialog",
    "RubricDialog",
    "ScanDialog",
]
