"""Applications to a cohort: one process for everyone, judged on motivation to learn.

Staff record applications (typed, or the paper form scanned into the store), one or
two assessors score each statement against the site's rubric, and staff decide:
offer, waiting list, or decline with a kind reason. Accepting an offer enrols the
person in the cohort in the same transaction.

Nothing here tells one applicant from another by where they are based. The cohort's
balance of prison- and university-based students is given as numbers only, and the
waiting list is drawn on so the numbers stay even; the prison-only details (such as
the security clearance to attend) stay in ``PrisonDetails`` on the prison's site.
"""

from lt_desktop.core.services.applications.assessment import (
    ASSESSMENT_NOTE,
    ASSESSORS_PER_APPLICATION,
    ApplicationToAssess,
    Assessment,
    AssessmentItem,
)
from lt_desktop.core.services.applications.common import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    application_reference,
)
from lt_desktop.core.services.applications.decisions import (
    DECISIONS,
    DECLINE_REASONS,
    OPEN_DECISIONS,
    REPLY_ONCE_STARTED,
    REPLY_WITHIN,
    WITHDRAWABLE,
    FreePlacesOffered,
)
from lt_desktop.core.services.applications.letters import ApplicationLetter
from lt_desktop.core.services.applications.records import (
    ApplicationDetail,
    ApplicationRow,
    NewApplicant,
    Places,
    rank_key,
)
from lt_desktop.core.services.applications.rubric import (
    DEFAULT_RUBRIC,
    CriterionInfo,
    default_criterion_id,
    ensure_default_rubric,
)
from lt_desktop.core.services.applications.scans import blind_scan_name
from lt_desktop.core.services.applications.service import ApplicationService

__all__ = [
    "ASSESSMENT_NOTE",
    "ASSESSORS_PER_APPLICATION",
    "ApplicationDetail",
    "ApplicationLetter",
    "ApplicationRow",
    "ApplicationService",
    "ApplicationToAssess",
    "Assessment",
    "AssessmentItem",
    "CriterionInfo",
    "DECISIONS",
    "DECLINE_REASONS",
    "DEFAULT_RUBRIC",
    "FreePlacesOffered",
    "HIGHEST_SCORE",
    "LOWEST_SCORE",
    "NewApplicant",
    "OPEN_DECISIONS",
    "Places",
    "REPLY_ONCE_STARTED",
    "REPLY_WITHIN",
    "WITHDRAWABLE",
    "application_reference",
    "blind_scan_name",
    "default_criterion_id",
    "ensure_default_rubric",
    "rank_key",
]
