"""Roles as users name them, and what each may do.

The service layer checks these on every call; screens use the same table only to
decide what to offer.
"""

from __future__ import annotations

from enum import Enum, auto

from lt_desktop.domain.vocabulary import LabelledEnum


class Role(LabelledEnum):
    ADMINISTRATOR = "administrator"
    EDUCATION_STAFF = "education_staff"
    FACILITATOR = "facilitator"
    MARKER = "marker"
    RESEARCHER = "researcher"


class Permission(Enum):
    MANAGE_USERS = auto()
    MANAGE_SETTINGS = auto()
    VIEW_AUDIT = auto()
    VIEW_ALL_COHORTS = auto()
    VIEW_OWN_COHORTS = auto()
    EDIT_PROGRAMME = auto()  # partnerships, courses, cohorts, sessions
    VIEW_PEOPLE = auto()
    EDIT_PEOPLE = auto()
    ERASE_PEOPLE = auto()  # erase a person and everything held about them
    EXPORT_PERSON_DATA = auto()  # give a person a copy of everything held about them
    VIEW_PRISON_DETAILS = auto()
    EDIT_PRISON_DETAILS = auto()
    MANAGE_MEMBERSHIPS = auto()
    MANAGE_GROUPS = auto()
    TAKE_REGISTER = auto()
    MANAGE_ESSAYS = auto()  # receive essays, allocate markers, moderate, reveal
    MARK_ESSAYS = auto()  # anonymised marking only
    RECORD_CONSENT = auto()
    ENTER_RESEARCH_DATA = auto()  # stories, questionnaires, interviews
    SET_RESEARCH_QUESTIONS = auto()  # the story questions and questionnaires asked
    EXPORT_RESEARCH = auto()
    MANAGE_APPLICATIONS = auto()  # record, decide, answer offers, print letters
    ASSESS_APPLICATIONS = auto()  # score statements against the rubric
    MANAGE_GRADUATION = auto()
    PRINT_DOCUMENTS = auto()
    SYNC = auto()
    PAIR_SITES = auto()  # trust another site's keys, revoke a pairing, rotate this site's
    MANAGE_LAPTOPS = auto()  # set up a classroom laptop for chosen cohorts, revoke one
    CARRY_REGISTERS = auto()  # carry registers between a classroom laptop and its PC, only
    BACKUP = auto()
    VIEW_STATS = auto()
    VIEW_RETENTION = auto()  # see what the retention schedule says is due
    MANAGE_RETENTION = auto()  # change the schedule, and erase what is due


_STAFF = {
    Permission.VIEW_ALL_COHORTS,
    Permission.EDIT_PROGRAMME,
    Permission.VIEW_PEOPLE,
    Permission.EDIT_PEOPLE,
    Permission.ERASE_PEOPLE,
    Permission.EXPORT_PERSON_DATA,
    Permission.VIEW_PRISON_DETAILS,
    Permission.EDIT_PRISON_DETAILS,
    Permission.MANAGE_MEMBERSHIPS,
    Permission.MANAGE_GROUPS,
    Permission.TAKE_REGISTER,
    Permission.MANAGE_ESSAYS,
    Permission.RECORD_CONSENT,
    Permission.ENTER_RESEARCH_DATA,
    Permission.SET_RESEARCH_QUESTIONS,
    Permission.MANAGE_APPLICATIONS,
    Permission.ASSESS_APPLICATIONS,
    Permission.MANAGE_GRADUATION,
    Permission.PRINT_DOCUMENTS,
    Permission.SYNC,
    Permission.MANAGE_LAPTOPS,
    Permission.CARRY_REGISTERS,
    Permission.BACKUP,
    Permission.VIEW_STATS,
    Permission.VIEW_RETENTION,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.EDUCATION_STAFF: frozenset(_STAFF),
    Role.FACILITATOR: frozenset(
        {
            Permission.VIEW_OWN_COHORTS,
            Permission.VIEW_PEOPLE,
            Permission.TAKE_REGISTER,
            Permission.CARRY_REGISTERS,
            Permission.ENTER_RESEARCH_DATA,
            Permission.ASSESS_APPLICATIONS,
        }
    ),
    Role.MARKER: frozenset({Permission.MARK_ESSAYS}),
    Role.RESEARCHER: frozenset({Permission.EXPORT_RESEARCH}),
}


#: All that anyone may do on a classroom laptop: it carries only registers, and sends
#: the education PC only register marks, so anything else entered there would never
#: leave it. Its accounts may still manage the laptop itself (accounts, settings,
#: backups), print what the register needs, and see and settle conflicts with the
#: education PC, its only partner (what travels between them is fixed by
#: ``sync.laptops``, whoever exchanges).
ON_A_CLASSROOM_LAPTOP = frozenset(
    {
        Permission.MANAGE_USERS,
        Permission.MANAGE_SETTINGS,
        Permission.VIEW_AUDIT,
        Permission.VIEW_ALL_COHORTS,
        Permission.VIEW_OWN_COHORTS,
        Permission.VIEW_PEOPLE,
        Permission.TAKE_REGISTER,
        Permission.PRINT_DOCUMENTS,
        Permission.CARRY_REGISTERS,
        Permission.SYNC,
        Permission.BACKUP,
        Permission.VIEW_STATS,
    }
)


def role_allows(role: Role, permission: Permission, *, on_laptop: bool = False) -> bool:
    if on_laptop and permission not in ON_A_CLASSROOM_LAPTOP:
        return False
    return permission in ROLE_PERMISSIONS[role]
