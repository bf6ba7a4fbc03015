"""The demo after the course: the partnership's stationery, and what some graduates of
the first cohort went on to do, with their consent."""

from __future__ import annotations

import io
from datetime import date

from lt_desktop.core.demo.base import RECORDER, DemoBuilderBase, DemoCohort
from lt_desktop.domain.vocabulary import ConsentScope, PersonBase, ProgressionKind
from lt_desktop.storage import models as m

#: How the demo partnership signs and heads its certificates and letters. The prison
#: does not sign its certificates (the default): they name the university alone.
SIGNATORIES = {
    "university_signatory": "Dr Amara Osei",
    "university_signatory_title": "Academic Lead, Learning Together",
    "prison_signatory": "Janet Fraser",
    "prison_signatory_title": "Head of Learning and Skills",
}
RETURN_ADDRESS = "\n".join(
    [
        "Learning Together",
        "Northfield and Eastbridge partnership",
        "PO Box 2015",
        "Eastbridge EB1 9LT",
    ]
)


def demo_logo() -> bytes:
    """Two linked rings over a bar: a made-up partnership's logo, as a PNG."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(picture)
    navy, teal = (29, 42, 58, 255), (42, 127, 122, 255)
    draw.ellipse((150, 20, 310, 180), outline=navy, width=18)
    draw.ellipse((290, 20, 450, 180), outline=teal, width=18)
    draw.rounded_rectangle((40, 92, 560, 108), radius=8, fill=navy)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


class AfterTheCourse(DemoBuilderBase):
    """Stationery for the partnership, and graduates' steps after the first cohort."""

    def _stationery(self, partnership: m.Partnership) -> None:
        self.session.add(
            m.Stationery(
                partnership_id=partnership.id,
                return_address=RETURN_ADDRESS,
                logo=demo_logo(),
                logo_type="image/png",
                **SIGNATORIES,
            )
        )

    def _after_the_course(
        self, spring: DemoCohort, autumn: DemoCohort, graduates: list[m.Person]
    ) -> None:
        """A step for six graduates of the first cohort, each of whom consented at the
        graduation to being followed: two mentor the second cohort, one co-facilitates
        its writing workshop, one took the job that kept them from mentoring, one began
        a degree, and one was released and keeps in touch. Nothing random, so nothing
        made before shifts."""
        mentors = graduates[:2]
        later = graduates[7:]
        studying = next(p for p in later if p.base is PersonBase.UNIVERSITY)
        released = next(p for p in later if p.base is PersonBase.PRISON)
        steps = [
            (
                mentors[0],
                ProgressionKind.MENTORING,
                autumn.row.starts_on,
                f"Mentoring a small group in the {autumn.row.name} cohort.",
            ),
            (
                mentors[1],
                ProgressionKind.MENTORING,
                autumn.row.starts_on,
                f"Mentoring a small group in the {autumn.row.name} cohort.",
            ),
            (
                graduates[2],
                ProgressionKind.FACILITATING,
                autumn.row.starts_on,
                "Co-facilitates the writing workshop with the cohort's facilitators.",
            ),
            (
                graduates[4],
                ProgressionKind.EMPLOYMENT,
                self.on(date(2026, 9, 7)),
                "Started work as a support worker with a housing charity.",
            ),
            (
                studying,
                ProgressionKind.FURTHER_STUDY,
                self.on(date(2026, 9, 28)),
                "Began a part-time degree in the social sciences.",
            ),
            (
                released,
                ProgressionKind.KEEPING_IN_TOUCH,
                self.on(date(2026, 6, 19)),
                "Released in June; writes to the course team every few weeks.",
            ),
        ]
        for number, (person, kind, started_on, notes) in enumerate(steps, start=1):
            self.session.add(
                m.Consent(
                    person_id=person.id,
                    scope=ConsentScope.PROGRESSION,
                    given_on=spring.row.ends_on,
                    form_reference=f"FU-{number:03d}",
                    recorded_by_name=RECORDER,
                )
            )
            self.session.add(
                m.Progression(
                    person_id=person.id,
                    cohort_id=spring.row.id,
                    kind=kind,
                    started_on=started_on,
                    notes=notes,
                    recorded_by_name=RECORDER,
                )
            )
