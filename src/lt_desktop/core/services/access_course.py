"""An access request's sections about the course: the person's record, their prison-only
details, their journey through cohorts, attendance, essays, certificates, guests and
the sessions they lectured."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import select

from lt_desktop.core.services.access_data import GathererBase, Section, percent
from lt_desktop.core.services.attendance import AttendanceFigures, figures_by_person
from lt_desktop.domain.vocabulary import MarkPosition, week_number
from lt_desktop.storage.models import (
    AttendanceMark,
    Certificate,
    ClassSession,
    Essay,
    EssayMark,
    GraduationEvent,
    GraduationGuest,
    Membership,
    MembershipStatusChange,
    PrisonDetails,
    SmallGroup,
    Transfer,
)


class CourseSections(GathererBase):
    def record(self) -> Section:
        p = self.person
        merged = sorted(m.merged_on for m in self.load("merges of duplicate records"))
        return self.section(
            "record",
            "The record",
            [
                ("given_name", "Given name"),
                ("family_name", "Family name"),
                ("preferred_name", "Preferred name"),
                ("based", "Where they study from"),
                ("email", "Email"),
                ("notes", "Notes"),
                ("research_id", "Research id"),
                ("added_on", "Record made"),
                ("duplicates_merged_on", "Duplicate records merged in"),
            ],
            [
                (
                    p.given_name,
                    p.family_name,
                    p.preferred_name,
                    p.base.label,
                    p.email,
                    p.notes,
                    p.research_id,
                    p.created_at.date(),
                    ", ".join(day.isoformat() for day in merged),
                )
            ],
        )

    def prison_details(self) -> Section:
        rows: list[PrisonDetails] = self.load("prison-only details")
        return self.section(
            "prison_details",
            "Prison-only details",
            [
                ("prison_number", "Prison number"),
                ("location", "Location"),
                ("release_date", "Release date"),
                ("clearance", "Clearance to attend"),
                ("clearance_on", "Clearance decided"),
                ("security_notes", "Security notes"),
            ],
            [
                (
                    d.prison_number,
                    d.location,
                    d.release_date,
                    d.clearance.label,
                    d.clearance_on,
                    d.security_notes,
                )
                for d in rows
            ],
            note="Kept at this prison only.",
        )

    def journey(self, today: date) -> Section:
        places: list[Membership] = sorted(
            self.load("cohort places"), key=lambda m: (m.cohort.starts_on, m.cohort.name)
        )
        groups: dict[uuid.UUID, list[str]] = defaultdict(list)
        for member in self.load("small-group places"):
            group = self.session.get(SmallGroup, member.group_id)
            if group is not None and group.deleted_at is None:
                groups[member.membership_id].append(group.name)
        figures = figures_by_person(self.session, today=today, person_id=self.person.id)
        rows = []
        for m in places:
            f = figures.get((m.cohort_id, self.person.id), AttendanceFigures())
            rows.append(
                (
                    self.cohort(m.cohort_id),
                    m.cohort.starts_on,
                    m.cohort.ends_on,
                    m.role.label,
                    m.status.label,
                    m.status_since,
                    m.joined_on,
                    m.left_on,
                    ", ".join(sorted(groups[m.id])),
                    f.held,
                    f.attended,
                    f.excused,
                    percent(f.attendance),
                    percent(f.engagement),
                    m.notes,
                )
            )
        return self.section(
            "journey",
            "Journey through cohorts",
            [
                ("cohort", "Cohort"),
                ("cohort_starts_on", "Cohort starts"),
                ("cohort_ends_on", "Cohort ends"),
                ("role", "Role"),
                ("status", "Status"),
                ("status_since", "Status since"),
                ("joined_on", "Joined"),
                ("left_on", "Left"),
                ("small_group", "Small group"),
                ("sessions_held", "Sessions held"),
                ("sessions_attended", "Sessions attended"),
                (
                    "missed_for_reasons_outside_their_control",
                    "Missed for reasons outside their control",
                ),
                ("attendance_percent", "Attendance (%)"),
                ("engagement_percent", "Engagement (%)"),
                ("notes", "Notes"),
            ],
            rows,
        )

    def status_changes(self) -> Section:
        places = {m.id: m for m in self.load("cohort places")}
        changes: list[MembershipStatusChange] = sorted(
            self.load("changes of status"), key=lambda c: c.effective_on
        )
        return self.section(
            "status_changes",
            "Changes of status",
            [("cohort", "Cohort"), ("status", "Status"), ("on", "From"), ("reason", "Reason")],
            [
                (
                    self.cohort(places[c.membership_id].cohort_id)
                    if c.membership_id in places
                    else "",
                    c.status.label,
                    c.effective_on,
                    c.reason,
                )
                for c in changes
            ],
            table=True,
        )

    def transfers(self) -> Section:
        moves: list[Transfer] = sorted(self.load("transfers"), key=lambda t: t.transferred_on)
        return self.section(
            "transfers",
            "Transfers",
            [
                ("transferred_on", "Transferred"),
                ("to", "To"),
                ("reason", "Reason"),
                ("taken_on", "Taken on there"),
            ],
            [(t.transferred_on, t.to_name, t.reason, t.taken_on) for t in moves],
            table=True,
        )

    def attendance(self) -> Section:
        marks: list[AttendanceMark] = self.load("register marks")
        sessions = {
            s.id: s
            for s in self.session.scalars(
                select(ClassSession).where(ClassSession.id.in_({m.session_id for m in marks}))
            )
        }
        rows = []
        for mark in marks:
            s = sessions.get(mark.session_id)
            if s is None:
                continue
            rows.append(
                (
                    s.held_on,
                    self.cohort(s.cohort_id),
                    week_number(s.week),
                    s.title or s.kind.label,
                    mark.status.label,
                    mark.absence_reason.label if mark.absence_reason else "",
                    "Session cancelled" if s.cancelled else "",
                    mark.note,
                )
            )
        rows.sort(key=lambda r: (r[0], r[1]))
        return self.section(
            "attendance",
            "Attendance, session by session",
            [
                ("held_on", "Date"),
                ("cohort", "Cohort"),
                ("week", "Week"),
                ("session", "Session"),
                ("mark", "Mark"),
                ("reason", "Reason"),
                ("cancelled", "Cancelled"),
                ("note", "Note"),
            ],
            rows,
            table=True,
        )

    def essays(self) -> Section:
        places = {m.id: m for m in self.load("cohort places")}
        marks: dict[uuid.UUID, dict[MarkPosition, EssayMark]] = defaultdict(dict)
        for mark in self.load("marks on their essays"):
            marks[mark.essay_id][mark.position] = mark
        scans: dict[uuid.UUID, list[str]] = defaultdict(list)
        for scan in self.attachments("essay scans"):
            if scan.essay_id is not None:
                scans[scan.essay_id].append(scan.filename)
        rows = []
        essays: list[Essay] = self.load("essays")
        for essay in sorted(essays, key=lambda e: (e.submitted_on or date.min, e.title)):
            place = places.get(essay.membership_id)
            agreed = marks[essay.id].get(MarkPosition.AGREED)
            final = agreed is not None and agreed.score is not None
            feedback = [
                m.feedback
                for position, m in sorted(marks[essay.id].items())
                if final and position is not MarkPosition.AGREED and m.feedback
            ]
            rows.append(
                (
                    self.cohort(place.cohort_id) if place else "",
                    essay.title,
                    essay.candidate_number,
                    essay.submitted_on,
                    essay.word_count,
                    essay.late,
                    essay.extension_note,
                    agreed.score if final and agreed else None,
                    agreed.feedback if final and agreed else "",
                    "\n\n".join(feedback),
                    "Not agreed yet" if not final else "Agreed",
                    ", ".join(sorted(scans[essay.id])),
                    essay.text,
                )
            )
        return self.section(
            "essays",
            "Essays and agreed marks",
            [
                ("cohort", "Cohort"),
                ("title", "Title"),
                ("candidate_number", "Candidate number"),
                ("submitted_on", "Submitted"),
                ("word_count", "Words"),
                ("late", "Late"),
                ("extension_note", "Extension"),
                ("agreed_mark", "Agreed mark"),
                ("agreed_feedback", "Feedback with the agreed mark"),
                ("markers_feedback", "Markers' feedback"),
                ("marking", "Marking"),
                ("scans", "Scans kept"),
                ("text", "Essay"),
            ],
            rows,
        )

    def certificates(self) -> Section:
        places = {m.id: m for m in self.load("cohort places")}
        certificates: list[Certificate] = sorted(
            self.load("certificates (serials kept as issued and void)"), key=lambda c: c.issued_on
        )
        rows = []
        for c in certificates:
            event = self.session.get(GraduationEvent, c.event_id) if c.event_id else None
            place = places.get(c.membership_id)
            rows.append(
                (
                    c.serial,
                    self.cohort(place.cohort_id) if place else "",
                    c.issued_on,
                    event.title if event is not None and event.deleted_at is None else "",
                )
            )
        return self.section(
            "certificates",
            "Certificates",
            [
                ("serial", "Serial"),
                ("cohort", "Cohort"),
                ("issued_on", "Issued"),
                ("ceremony", "Ceremony"),
            ],
            rows,
            table=True,
        )

    def guests(self) -> Section:
        guests: list[GraduationGuest] = self.load("guests they invited")
        rows = []
        for g in guests:
            event = self.session.get(GraduationEvent, g.event_id)
            rows.append(
                (
                    event.title if event is not None else "",
                    g.relationship_to_student,
                    g.category.label,
                    {True: "Yes", False: "No", None: ""}[g.attended],
                )
            )
        return self.section(
            "guests",
            "Guests invited to graduation",
            [
                ("ceremony", "Ceremony"),
                ("relationship", "Relationship"),
                ("category", "Kind of guest"),
                ("attended", "Came"),
            ],
            rows,
            table=True,
            note="The guests' names are their own, so they are not shown.",
        )

    def lectures(self) -> Section:
        given = list(
            self.session.scalars(
                select(ClassSession).where(ClassSession.lecturer_id == self.person.id)
            )
        )
        given.sort(key=lambda s: s.held_on)
        return self.section(
            "lectures",
            "Sessions lectured",
            [("held_on", "Date"), ("cohort", "Cohort"), ("week", "Week"), ("title", "Session")],
            [(s.held_on, self.cohort(s.cohort_id), week_number(s.week), s.title) for s in given],
            table=True,
        )
