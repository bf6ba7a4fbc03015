"""People: one searchable list for everyone, and a page per person."""

from lt_desktop.ui.screens.people.forms import (
    ConsentDialog,
    PersonDialog,
    PrisonDetailsDialog,
    ask_despite_likely_duplicates,
    check_for_likely_duplicates,
)
from lt_desktop.ui.screens.people.panel import PersonPanel
from lt_desktop.ui.screens.people.screen import PeopleScreen

__all__ = [
    "ConsentDialog",
    "PeopleScreen",
    "PersonDialog",
    "PersonPanel",
    "PrisonDetailsDialog",
    "ask_despite_likely_duplicates",
    "check_for_likely_duplicates",
]
