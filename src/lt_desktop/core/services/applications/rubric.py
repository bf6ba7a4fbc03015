"""The rubric statements are scored against, and whether assessors see names."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.applications.common import ApplicationsPart
from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.core.services.settings import BLIND_ASSESSMENT, read_setting
from lt_desktop.domain.errors import NotFound, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import RubricCriterion

#: The rubric a new site starts with. Administrators change it to suit themselves.
DEFAULT_RUBRIC: list[tuple[str, str]] = [
    (
        "Wish to learn",
        "Does the statement show a wish to learn for its own sake: curiosity, questions the "
        "person would like to explore? 1: little sign of it. 3: some clear signs. 5: it "
        "runs through the whole statement.",
    ),
    (
        "Learning with others",
        "Does the person want to learn with and from people whose lives are different from "
        "their own, listening as well as speaking? 1: not mentioned. 3: welcomed. 5: a "
        "large part of why they are applying.",
    ),
    (
        "Commitment to the course",
        "Has the person thought about what taking part asks of them (a session every week, "
        "reading, a reflective essay) and how they will make room for it? 1: not yet. "
        "3: some thought. 5: a clear plan.",
    ),
    (
        "What the course could open up",
        "Does the statement say what the person hopes the course will open up for them or "
        "for others? 1: not yet clear. 3: a hope is named. 5: a thought-through hope.",
    ),
]


_DEFAULT_RUBRIC_NAMESPACE = uuid.UUID("6f1d3c0e-5a4b-4c8e-9f2a-1b7d0e3c5a91")


def default_criterion_id(position: int) -> uuid.UUID:
    """The same on every site, so a default rubric made at two sites is one rubric."""
    return uuid.uuid5(_DEFAULT_RUBRIC_NAMESPACE, f"default-rubric-{position}")


@dataclass(frozen=True)
class CriterionInfo:
    id: uuid.UUID
    position: int
    name: str
    guidance: str
    active: bool


def ensure_default_rubric(session: Session) -> None:
    """Store the default rubric the first time a rubric is needed for writing."""
    if session.scalar(
        select(RubricCriterion.id).limit(1).execution_options(**{INCLUDE_DELETED: True})
    ):
        return
    session.add_all(_default_criteria())
    session.flush()


def _default_criteria() -> list[RubricCriterion]:
    return [
        RubricCriterion(
            id=default_criterion_id(position),
            position=position,
            name=name,
            guidance=guidance,
            active=True,
        )
        for position, (name, guidance) in enumerate(DEFAULT_RUBRIC, start=1)
    ]


def rubric_criteria(session: Session, *, include_inactive: bool = False) -> list[RubricCriterion]:
    """The rubric in order; until a site first writes one, the default (not yet stored)."""
    stored = session.scalars(
        select(RubricCriterion).order_by(RubricCriterion.position, RubricCriterion.name)
    ).all()
    if not stored and not session.scalar(
        select(RubricCriterion.id).limit(1).execution_options(**{INCLUDE_DELETED: True})
    ):
        stored = _default_criteria()
    return [c for c in stored if include_inactive or c.active]


def criterion_info(c: RubricCriterion) -> CriterionInfo:
    return CriterionInfo(c.id, c.position, c.name, c.guidance, c.active)


class RubricPart(ApplicationsPart):
    """The rubric and blind assessment."""

    def blind_assessment(self) -> bool:
        self._require_any(Permission.ASSESS_APPLICATIONS, Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            return bool(read_setting(session, BLIND_ASSESSMENT))

    def rubric(self, *, include_inactive: bool = False) -> list[CriterionInfo]:
        self._require_any(
            Permission.ASSESS_APPLICATIONS,
            Permission.MANAGE_APPLICATIONS,
            Permission.MANAGE_SETTINGS,
        )
        with self._store.read() as session:
            return [
                criterion_info(c)
                for c in rubric_criteria(session, include_inactive=include_inactive)
            ]

    def add_criterion(self, name: str, guidance: str = "") -> CriterionInfo:
        self._require(Permission.MANAGE_SETTINGS)
        _check_criterion(name)
        with self._store.write() as session:
            ensure_default_rubric(session)
            last = session.scalar(select(func.max(RubricCriterion.position))) or 0
            criterion = RubricCriterion(
                position=last + 1, name=name.strip(), guidance=guidance.strip(), active=True
            )
            session.add(criterion)
            session.flush()
            self._audit(session, "rubric.changed", "rubric_criterion", criterion.id, added=True)
            return criterion_info(criterion)

    def change_criterion(
        self, criterion_id: uuid.UUID, *, name: str, guidance: str, active: bool
    ) -> CriterionInfo:
        """Reword a criterion or stop using it. Criteria are never deleted: scores already
        given keep what they were given against."""
        self._require(Permission.MANAGE_SETTINGS)
        _check_criterion(name)
        with self._store.write() as session:
            ensure_default_rubric(session)
            criterion = get_or_not_found(session, RubricCriterion, criterion_id, "criterion")
            criterion.name, criterion.guidance = name.strip(), guidance.strip()
            criterion.active = active
            self._audit(session, "rubric.changed", "rubric_criterion", criterion.id, active=active)
            return criterion_info(criterion)

    def move_criterion(self, criterion_id: uuid.UUID, step: int) -> list[CriterionInfo]:
        """Move a criterion up (-1) or down (+1) the rubric; returns the whole rubric."""
        self._require(Permission.MANAGE_SETTINGS)
        with self._store.write() as session:
            ensure_default_rubric(session)
            order = list(rubric_criteria(session, include_inactive=True))
            index = next((i for i, c in enumerate(order) if c.id == criterion_id), None)
            if index is None:
                raise NotFound("That criterion no longer exists.")
            target = min(max(index + step, 0), len(order) - 1)
            order.insert(target, order.pop(index))
            for position, criterion in enumerate(order, start=1):
                criterion.position = position
            self._audit(session, "rubric.changed", "rubric_criterion", criterion_id, moved=step)
            return [criterion_info(c) for c in order]


def _check_criterion(name: str) -> None:
    if not name.strip():
        raise ValidationError("Give the criterion a name.")
    if len(name.strip()) > 200:
        raise ValidationError("A criterion's name is limited to 200 characters.")
