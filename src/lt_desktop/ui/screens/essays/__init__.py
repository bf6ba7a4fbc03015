"""Essays and marking: the coordinator's essays and moderation, and each marker's own
list, known only by candidate numbers."""

from lt_desktop.ui.screens.essays.coordinator import CoordinatorView
from lt_desktop.ui.screens.essays.dialogs import (
    AgreeDialog,
    AllocateMarkersDialog,
    EnterMarksDialog,
    RecordEssayDialog,
)
from lt_desktop.ui.screens.essays.marker import MarkerView
from lt_desktop.ui.screens.essays.parts import MarkField
from lt_desktop.ui.screens.essays.printing import FeedbackSheetsDialog, MarkingPackDialog
from lt_desktop.ui.screens.essays.screen import EssaysScreen

__all__ = [
    "AgreeDialog",
    "AllocateMarkersDialog",
    "CoordinatorView",
    "EnterMarksDialog",
    "EssaysScreen",
    "FeedbackSheetsDialog",
    "MarkField",
    "MarkerView",
    "MarkingPackDialog",
    "RecordEssayDialog",
]
