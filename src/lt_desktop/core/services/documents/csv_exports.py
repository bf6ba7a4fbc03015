"""Everyday lists as CSV for Excel: people, memberships and register marks. Where people
are based and prison-only details are part of none of them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.attendance import COUNTED_SESSION
from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.memberships import member_infos
from lt_desktop.core.spreadsheets import csv_bytes as spreadsheet_csv
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import week_number
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Membership,
    Person,
)


class CsvKind(Enum):
    PEOPLE = "people"
    MEMBERSHIPS = "memberships"
    ATTENDANCE = "attendance"


@dataclass(frozen=True)
class CsvTable:
    kind: CsvKind
    header: list[str]
    rows: list[list[str]]


class CsvExports(Service):
    """People, memberships and register marks as CSV tables."""

    def csv_table(self, kind: CsvKind, cohort_id: uuid.UUID | None = None) -> CsvTable:
        """People, memberships or register marks as a table, for the cohorts this account
        sees (or one of them). Where people are based and prison-only details are not
        part of any of these lists."""
        self._require(Permission.PRINT_DOCUMENTS)
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            cohort_ids = self._cohort_scope(session, cohort_id)
            if kind is CsvKind.PEOPLE:
                return _people_table(session, cohort_ids)
            if kind is CsvKind.MEMBERSHIPS:
                return _memberships_table(session, cohort_ids)
            return _attendance_table(session, cohort_ids)

    def export_csv(
        self,
        kind: CsvKind,
        target: Path,
        cohort_id: uuid.UUID | None = None,
        *,
        force: bool = False,
    ) -> CsvTable:
        """Write the list as CSV that Excel opens as it is (UTF-8 with a byte-order mark),
        atomically, and record in the audit log that it left the store. An existing
        file is replaced only with ``force``; see ``check_output_path``."""
        target = self.output_path(target, force=force)
        table = self.csv_table(kind, cohort_id)
        write_atomic(target, csv_bytes(table), what="The list")
        with self._store.write() as session:
            self._audit(
                session,
                "list.exported",
                "cohort" if cohort_id else None,
                cohort_id,
                kind=kind.value,
                rows=len(table.rows),
            )
        return table

    def _cohort_scope(self, session: Session, cohort_id: uuid.UUID | None) -> list[uuid.UUID]:
        if cohort_id is not None:
            self._require_cohort_visible(session, cohort_id)
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            return [cohort_id]
        visible = self._visible_cohort_ids(session)
        query = select(Cohort.id)
        if visible is not None:
            query = query.where(Cohort.id.in_(visible))
        return list(session.scalars(query))


def _members_of(session: Session, cohort_ids: list[uuid.UUID]) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .join(Cohort, Cohort.id == Membership.cohort_id)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.cohort_id.in_(cohort_ids))
            .order_by(Cohort.starts_on, Cohort.name, Person.family_name, Person.given_name)
        )
    )


def _cohort_titles(session: Session, cohort_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {
        c.id: f"{c.course.title}: {c.name}"
        for c in session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids)))
    }


def _people_table(session: Session, cohort_ids: list[uuid.UUID]) -> CsvTable:
    titles = _cohort_titles(session, cohort_ids)
    cohorts: dict[uuid.UUID, list[str]] = {}
    for m in _members_of(session, cohort_ids):
        cohorts.setdefault(m.person_id, []).append(f"{titles[m.cohort_id]} ({m.role.label})")
    people = session.scalars(
        select(Person)
        .where(Person.id.in_(list(cohorts)))
        .order_by(Person.family_name, Person.given_name, Person.preferred_name)
    )
    return CsvTable(
        CsvKind.PEOPLE,
        ["Family name", "Given name", "Preferred name", "Email", "Cohorts"],
        [
            [p.family_name, p.given_name, p.preferred_name, p.email, "; ".join(cohorts[p.id])]
            for p in people
        ],
    )


def _memberships_table(session: Session, cohort_ids: list[uuid.UUID]) -> CsvTable:
    titles = _cohort_titles(session, cohort_ids)
    groups = {
        membership_id: name
        for cohort_id in cohort_ids
        for membership_id, name in _group_names(session, cohort_id).items()
    }
    rows = [
        [
            titles[m.cohort_id],
            m.person.family_name,
            m.person.preferred_name or m.person.given_name,
            m.role.label,
            m.status.label,
            _iso(m.status_since),
            _iso(m.joined_on),
            _iso(m.left_on),
            groups.get(m.id, ""),
        ]
        for m in _members_of(session, cohort_ids)
    ]
    return CsvTable(
        CsvKind.MEMBERSHIPS,
        [
            "Cohort",
            "Family name",
            "Name",
            "Role",
            "Status",
            "Status since",
            "Joined",
            "Left",
            "Small group",
        ],
        rows,
    )


def _group_names(session: Session, cohort_id: uuid.UUID) -> dict[uuid.UUID, str]:
    return {m.id: m.group_name for m in member_infos(session, cohort_id) if m.group_name}


def _attendance_table(session: Session, cohort_ids: list[uuid.UUID]) -> CsvTable:
    titles = _cohort_titles(session, cohort_ids)
    roles = {
        (cohort_id, person_id): role
        for cohort_id, person_id, role in session.execute(
            select(Membership.cohort_id, Membership.person_id, Membership.role).where(
                Membership.cohort_id.in_(cohort_ids)
            )
        )
    }
    query = (
        select(
            ClassSession.cohort_id,
            ClassSession.week,
            ClassSession.held_on,
            ClassSession.title,
            AttendanceMark.person_id,
            Person.family_name,
            Person.given_name,
            Person.preferred_name,
            AttendanceMark.status,
            AttendanceMark.absence_reason,
            # Whether the mark counts in attendance figures as the app reckons them, so a
            # sum in a spreadsheet leaves out the induction, the sense-making meeting and
            # a cancelled week as the app does.
            case((COUNTED_SESSION, True), else_=False),
        )
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
        .join(Person, Person.id == AttendanceMark.person_id)
        .where(ClassSession.cohort_id.in_(cohort_ids))
        .order_by(ClassSession.held_on, ClassSession.week, Person.family_name, Person.given_name)
    )
    rows = []
    for (
        cohort_id,
        week,
        held_on,
        title,
        person_id,
        family,
        given,
        preferred,
        status,
        reason,
        counted,
    ) in session.execute(query):
        role = roles.get((cohort_id, person_id))
        rows.append(
            [
                titles[cohort_id],
                week_number(week),
                _iso(held_on),
                title,
                family,
                preferred or given,
                role.label if role else "",
                status.label,
                reason.label if reason else "",
                "yes" if counted else "no",
            ]
        )
    return CsvTable(
        CsvKind.ATTENDANCE,
        [
            "Cohort",
            "Week",
            "Date",
            "Session",
            "Family name",
            "Name",
            "Role",
            "Mark",
            "Reason",
            "Counted in attendance",
        ],
        rows,
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def csv_bytes(table: CsvTable) -> bytes:
    """The table as CSV for Excel (see ``spreadsheets.csv_bytes``): UTF-8 with a
    byte-order mark, and any cell a spreadsheet would take for a formula made plain text."""
    return spreadsheet_csv([table.header, *table.rows], for_excel=True)
