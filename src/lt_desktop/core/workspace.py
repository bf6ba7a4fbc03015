"""A signed-in store: the services, acting for one account. Each service is imported
when it is first used, so a command loads only the services it calls."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lt_desktop.core.diagnostics import DiagnosticsService
    from lt_desktop.core.services.access_request import AccessRequestService
    from lt_desktop.core.services.accounts import AccountService
    from lt_desktop.core.services.applications import ApplicationService
    from lt_desktop.core.services.audit import AuditService
    from lt_desktop.core.services.base import Actor
    from lt_desktop.core.services.consent import ConsentService
    from lt_desktop.core.services.documents import DocumentService
    from lt_desktop.core.services.drafts import DraftService
    from lt_desktop.core.services.erasure import ErasureService
    from lt_desktop.core.services.essays import EssayService
    from lt_desktop.core.services.facilitators import FacilitatorService
    from lt_desktop.core.services.graduation import GraduationService
    from lt_desktop.core.services.groups import GroupService
    from lt_desktop.core.services.interviews import InterviewService
    from lt_desktop.core.services.laptops import LaptopService
    from lt_desktop.core.services.maintenance import MaintenanceService
    from lt_desktop.core.services.marking import MarkingService
    from lt_desktop.core.services.memberships import MembershipService
    from lt_desktop.core.services.mentoring import MentoringService
    from lt_desktop.core.services.overview import OverviewService
    from lt_desktop.core.services.people import PeopleService
    from lt_desktop.core.services.programme import ProgrammeService
    from lt_desktop.core.services.progression import ProgressionService
    from lt_desktop.core.services.projects import ProjectService
    from lt_desktop.core.services.questionnaires import QuestionnaireService
    from lt_desktop.core.services.readings import ReadingService
    from lt_desktop.core.services.register import RegisterService
    from lt_desktop.core.services.research import ResearchService
    from lt_desktop.core.services.retention import RetentionService
    from lt_desktop.core.services.settings import SettingsService
    from lt_desktop.core.services.stationery import StationeryService
    from lt_desktop.core.services.stats import StatsService
    from lt_desktop.core.services.stories import StoryService
    from lt_desktop.core.services.sync import SyncService
    from lt_desktop.storage.store import LockedStore, Store


class Workspace:
    def __init__(self, store: Store, actor: Actor) -> None:
        self.store = store
        from lt_desktop.core.services.laptops import is_classroom_laptop

        self.actor = replace(actor, on_laptop=True) if is_classroom_laptop(store) else actor

    @cached_property
    def accounts(self) -> AccountService:
        from lt_desktop.core.services.accounts import AccountService

        return AccountService(self.store, self.actor)

    @cached_property
    def audit(self) -> AuditService:
        from lt_desktop.core.services.audit import AuditService

        return AuditService(self.store, self.actor)

    @cached_property
    def settings(self) -> SettingsService:
        from lt_desktop.core.services.settings import SettingsService

        return SettingsService(self.store, self.actor)

    @cached_property
    def programme(self) -> ProgrammeService:
        from lt_desktop.core.services.programme import ProgrammeService

        return ProgrammeService(self.store, self.actor)

    @cached_property
    def readings(self) -> ReadingService:
        from lt_desktop.core.services.readings import ReadingService

        return ReadingService(self.store, self.actor)

    @cached_property
    def stationery(self) -> StationeryService:
        from lt_desktop.core.services.stationery import StationeryService

        return StationeryService(self.store, self.actor)

    @cached_property
    def people(self) -> PeopleService:
        from lt_desktop.core.services.people import PeopleService

        return PeopleService(self.store, self.actor)

    @cached_property
    def access_requests(self) -> AccessRequestService:
        from lt_desktop.core.services.access_request import AccessRequestService

        return AccessRequestService(self.store, self.actor)

    @cached_property
    def erasure(self) -> ErasureService:
        from lt_desktop.core.services.erasure import ErasureService

        return ErasureService(self.store, self.actor)

    @cached_property
    def retention(self) -> RetentionService:
        from lt_desktop.core.services.retention import RetentionService

        return RetentionService(self.store, self.actor)

    @cached_property
    def memberships(self) -> MembershipService:
        from lt_desktop.core.services.memberships import MembershipService

        return MembershipService(self.store, self.actor)

    @cached_property
    def applications(self) -> ApplicationService:
        from lt_desktop.core.services.applications import ApplicationService

        return ApplicationService(self.store, self.actor)

    @cached_property
    def groups(self) -> GroupService:
        from lt_desktop.core.services.groups import GroupService

        return GroupService(self.store, self.actor)

    @cached_property
    def mentoring(self) -> MentoringService:
        from lt_desktop.core.services.mentoring import MentoringService

        return MentoringService(self.store, self.actor)

    @cached_property
    def facilitators(self) -> FacilitatorService:
        from lt_desktop.core.services.facilitators import FacilitatorService

        return FacilitatorService(self.store, self.actor)

    @cached_property
    def projects(self) -> ProjectService:
        from lt_desktop.core.services.projects import ProjectService

        return ProjectService(self.store, self.actor)

    @cached_property
    def progression(self) -> ProgressionService:
        from lt_desktop.core.services.progression import ProgressionService

        return ProgressionService(self.store, self.actor)

    @cached_property
    def interviews(self) -> InterviewService:
        from lt_desktop.core.services.interviews import InterviewService

        return InterviewService(self.store, self.actor)

    @cached_property
    def graduation(self) -> GraduationService:
        from lt_desktop.core.services.graduation import GraduationService

        return GraduationService(self.store, self.actor)

    @cached_property
    def laptops(self) -> LaptopService:
        from lt_desktop.core.services.laptops import LaptopService

        return LaptopService(self.store, self.actor)

    @cached_property
    def register(self) -> RegisterService:
        from lt_desktop.core.services.register import RegisterService

        return RegisterService(self.store, self.actor)

    @cached_property
    def consent(self) -> ConsentService:
        from lt_desktop.core.services.consent import ConsentService

        return ConsentService(self.store, self.actor)

    @cached_property
    def essays(self) -> EssayService:
        from lt_desktop.core.services.essays import EssayService

        return EssayService(self.store, self.actor)

    @cached_property
    def marking(self) -> MarkingService:
        from lt_desktop.core.services.marking import MarkingService

        return MarkingService(self.store, self.actor)

    @cached_property
    def stories(self) -> StoryService:
        from lt_desktop.core.services.stories import StoryService

        return StoryService(self.store, self.actor)

    @cached_property
    def questionnaires(self) -> QuestionnaireService:
        from lt_desktop.core.services.questionnaires import QuestionnaireService

        return QuestionnaireService(self.store, self.actor)

    @cached_property
    def research(self) -> ResearchService:
        from lt_desktop.core.services.research import ResearchService

        return ResearchService(self.store, self.actor)

    @cached_property
    def documents(self) -> DocumentService:
        from lt_desktop.core.services.documents import DocumentService

        return DocumentService(self.store, self.actor)

    @cached_property
    def overview(self) -> OverviewService:
        from lt_desktop.core.services.overview import OverviewService

        return OverviewService(self.store, self.actor)

    @cached_property
    def maintenance(self) -> MaintenanceService:
        from lt_desktop.core.services.maintenance import MaintenanceService

        return MaintenanceService(self.store, self.actor)

    @cached_property
    def sync(self) -> SyncService:
        from lt_desktop.core.services.sync import SyncService

        return SyncService(self.store, self.actor)

    @cached_property
    def stats(self) -> StatsService:
        from lt_desktop.core.services.stats import StatsService

        return StatsService(self.store, self.actor)

    @cached_property
    def diagnostics(self) -> DiagnosticsService:
        from lt_desktop.core.diagnostics import DiagnosticsService

        return DiagnosticsService(self.store, self.actor)

    @cached_property
    def drafts(self) -> DraftService:
        from lt_desktop.core.services.drafts import DraftService

        return DraftService(self.store, self.actor)

    def lock(self) -> LockedStore:
        """Close the database (the key leaves memory with it) but keep the folder held."""
        return self.store.lock()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
