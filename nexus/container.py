"""The root dependency-injector container: the only place that binds ports to adapters."""

from __future__ import annotations

import time
from datetime import timedelta

from dependency_injector import containers, providers

from adapters.dynamodb.agents.admin import DynamoAgentsStaffBrowser, DynamoPromptsStaffBrowser
from adapters.dynamodb.agents.project_access import ProjectServiceAccess
from adapters.dynamodb.agents.prompt_pins import PromptLibraryPins
from adapters.dynamodb.agents.prompts import DynamoPromptsUnitOfWork
from adapters.dynamodb.agents.runs import DynamoRunsUnitOfWork
from adapters.dynamodb.agents.templates_uow import DynamoTemplatesUnitOfWork
from adapters.dynamodb.agents.uow import DynamoAgentsUnitOfWork
from adapters.dynamodb.analytics.costs import DynamoCostReader
from adapters.dynamodb.analytics.feed import DynamoActivityFeedRepository
from adapters.dynamodb.analytics.jobs import DynamoActiveOrganisations
from adapters.dynamodb.analytics.rollups import DynamoDirtyPeriods, DynamoRollupStore
from adapters.dynamodb.analytics.runs import DynamoRunWindow
from adapters.dynamodb.archive import Archiver
from adapters.dynamodb.client import CallRecorder, DynamoClient
from adapters.dynamodb.cost_flush import CostFlusher
from adapters.dynamodb.cursor import CursorSigner
from adapters.dynamodb.dead_letters import DynamoDeadLetters
from adapters.dynamodb.idempotency import DynamoIdempotencyStore
from adapters.dynamodb.identity.admin import DynamoStaffBrowser
from adapters.dynamodb.identity.audit_log import DynamoAuditLogReader
from adapters.dynamodb.identity.throttle import DynamoLoginThrottle
from adapters.dynamodb.identity.uow import DynamoIdentityUnitOfWork
from adapters.dynamodb.identity.web_sessions import DynamoWebSessionStore
from adapters.dynamodb.lab.admin import (
    DynamoDatasetsStaffBrowser,
    DynamoRegistryStaffBrowser,
    DynamoTrackingStaffBrowser,
)
from adapters.dynamodb.lab.datasets import DynamoDatasetsUnitOfWork
from adapters.dynamodb.lab.logs import DynamoLogStore
from adapters.dynamodb.lab.registry import DynamoRegistryUnitOfWork
from adapters.dynamodb.lab.tracking import DynamoTrackingUnitOfWork
from adapters.dynamodb.lab.tracking_metrics import DynamoMetricStore
from adapters.dynamodb.offload import Offloader
from adapters.dynamodb.outbox import DynamoOutbox
from adapters.dynamodb.projects.admin import DynamoProjectsStaffBrowser
from adapters.dynamodb.projects.dashboard import DynamoDashboardReader
from adapters.dynamodb.projects.directory import DynamoOrgDirectory
from adapters.dynamodb.projects.uow import DynamoProjectsUnitOfWork
from adapters.dynamodb.purge import Purger
from adapters.dynamodb.session import make_boto_client
from adapters.dynamodb.usage import DynamoUsageCounts
from adapters.events.usage import RedisUsageRecorder, UsageBufferKeys, make_redis
from adapters.events.usage_flush import UsageFlusher
from adapters.s3.content import S3ContentStorage
from adapters.s3.store import S3ObjectStore
from adapters.security.jwt_tokens import JwtTokenService, OidcVerifier
from adapters.security.passwords import DjangoPasswordHasher
from adapters.validation.json_schema import JsonSchemaValidator
from domains.agents.prompts.selectors import PromptSelector
from domains.agents.prompts.services import PromptService
from domains.agents.prompts.staff import StaffPromptService
from domains.agents.runs.selectors import RunSelector
from domains.agents.runs.services import RunService
from domains.agents.services.agents import AgentService
from domains.agents.services.flows import FlowService
from domains.agents.services.node_types import NodeTypeService
from domains.agents.services.staff import StaffAgentService
from domains.agents.services.versions import AgentVersionService
from domains.agents.templates.selectors import TemplateSelector
from domains.agents.templates.services import TemplateService, TemplateStatsService
from domains.agents.templates.staff import StaffTemplateService
from domains.analytics.dashboard import AnalyticsDashboardSelector
from domains.analytics.execution_report import ExecutionSelector
from domains.analytics.metrics import MetricRegistry, RunMetricRegistry
from domains.analytics.selectors import ActivityFeedSelector
from domains.analytics.services.costs import CostReportSelector
from domains.analytics.services.feed import ActivityFeedService
from domains.analytics.services.rollups import RollupService
from domains.identity.selectors import AuditLogSelector
from domains.identity.services.api_keys import ApiKeyService
from domains.identity.services.auth import AuthService, ProfileService
from domains.identity.services.content import ContentLimits, ContentService
from domains.identity.services.invitations import InvitationService
from domains.identity.services.organizations import MembershipService, OrganizationService
from domains.identity.services.settings import SettingsService
from domains.identity.services.staff import StaffService
from domains.identity.services.staff_tenants import StaffTenantService
from domains.identity.services.tenancy import MembershipTenantResolver
from domains.lab.datasets.selectors import DatasetSelector
from domains.lab.datasets.services import DatasetService
from domains.lab.datasets.staff import StaffDatasetService
from domains.lab.logs.services import LogService
from domains.lab.registry.lifecycle import ModelLifecycleService
from domains.lab.registry.selectors import RegistrySelector
from domains.lab.registry.services import ModelRegistryService
from domains.lab.registry.staff import StaffRegistryService
from domains.lab.tracking.services.experiments import ExperimentService
from domains.lab.tracking.services.metrics import MetricService
from domains.lab.tracking.services.runs import ExperimentRunService
from domains.lab.tracking.staff import StaffTrackingService
from domains.projects.selectors import DashboardSelector
from domains.projects.services.members import PROJECT, WORKSPACE, MemberService
from domains.projects.services.projects import ProjectService
from domains.projects.services.staff import StaffProjectService
from domains.projects.services.staff_members import StaffMemberService
from domains.projects.services.workspaces import WorkspaceService
from domains.shared.clock import SystemClock
from domains.shared.usage import DiscardingUsageRecorder
from nexus.config import NexusConfig, config
from nexus.status import StoreStatus


class Gateways(containers.DeclarativeContainer):
    """Infrastructure: boto3 clients and the wrappers every repository shares (singletons)."""

    config = providers.Dependency(instance_of=NexusConfig)

    dynamodb_boto = providers.Singleton(
        make_boto_client,
        "dynamodb",
        region=config.provided.region,
        endpoint_url=config.provided.dynamodb_endpoint,
    )
    s3_boto = providers.Singleton(
        make_boto_client,
        "s3",
        region=config.provided.region,
        endpoint_url=config.provided.s3_endpoint,
    )
    # Bounded: keeps the latest records and running totals per (operation, table).
    recorder = providers.Singleton(CallRecorder)
    dynamo = providers.Singleton(
        DynamoClient,
        dynamodb_boto,
        prefix=config.provided.table_prefix,
        environment=config.provided.environment,
        is_aws=config.provided.is_aws,
        recorder=recorder,
    )
    object_store = providers.Singleton(S3ObjectStore, s3_boto, bucket=config.provided.s3_bucket)
    offloader = providers.Singleton(
        Offloader, object_store, threshold_bytes=config.provided.offload_threshold
    )
    cursor_signer = providers.Singleton(CursorSigner, config.provided.cursor_secret)


def _content_limits(cfg: NexusConfig) -> ContentLimits:
    return ContentLimits(
        max_bytes=cfg.content_max_bytes,
        pending_ttl=timedelta(hours=cfg.content_pending_hours),
        url_ttl_seconds=cfg.content_url_ttl,
    )


def _oidc(cfg: NexusConfig) -> OidcVerifier | None:
    if not (cfg.oidc_issuer and cfg.oidc_jwks):
        return None
    return OidcVerifier(
        issuer=cfg.oidc_issuer, audience=cfg.oidc_audience, jwks_source=cfg.oidc_jwks
    )


class Identity(containers.DeclarativeContainer):
    """The identity context: its unit of work, security adapters and services."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Singleton(SystemClock)

    uow = providers.Factory(
        DynamoIdentityUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    hasher = providers.Singleton(DjangoPasswordHasher)
    tokens = providers.Singleton(
        JwtTokenService,
        secret=config.provided.jwt_secret,
        clock=clock,
        ttl_seconds=config.provided.access_ttl,
        oidc=providers.Callable(_oidc, config),
    )
    throttle = providers.Singleton(
        DynamoLoginThrottle,
        gateways.dynamo,
        clock=clock,
        limit=config.provided.login_limit,
        window=900,
    )
    auth = providers.Singleton(
        AuthService,
        uow=uow,
        hasher=hasher,
        tokens=tokens,
        throttle=throttle,
        clock=clock,
        refresh_ttl=providers.Callable(lambda c: timedelta(days=c.refresh_ttl_days), config),
    )
    profiles = providers.Singleton(ProfileService, uow=uow, clock=clock)
    organizations = providers.Singleton(OrganizationService, uow=uow, clock=clock)
    memberships = providers.Singleton(MembershipService, uow=uow, clock=clock)
    invitations = providers.Singleton(
        InvitationService,
        uow=uow,
        clock=clock,
        ttl=providers.Callable(lambda c: timedelta(days=c.invitation_ttl_days), config),
    )
    api_keys = providers.Singleton(ApiKeyService, uow=uow, clock=clock)
    tenancy = providers.Singleton(MembershipTenantResolver, uow=uow)
    settings = providers.Singleton(SettingsService, uow=uow, clock=clock)
    audit_reader = providers.Singleton(
        DynamoAuditLogReader,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        clock=clock,
    )
    audit_log = providers.Singleton(AuditLogSelector, reader=audit_reader)
    # The admin: staff use cases, whole-table browsing, and Django's web sessions.
    staff_browser = providers.Singleton(DynamoStaffBrowser, uow)
    web_sessions = providers.Singleton(
        DynamoWebSessionStore, gateways.dynamo, cursors=gateways.cursor_signer, clock=clock
    )
    staff = providers.Singleton(
        StaffService,
        uow=uow,
        hasher=hasher,
        throttle=throttle,
        clock=clock,
        browser=staff_browser,
        web_sessions=web_sessions,
    )
    staff_tenants = providers.Singleton(
        StaffTenantService, uow=uow, clock=clock, browser=staff_browser, audit_reader=audit_reader
    )
    content = providers.Singleton(
        ContentService,
        uow=uow,
        storage=providers.Singleton(S3ContentStorage, gateways.object_store),
        clock=clock,
        limits=providers.Callable(_content_limits, config),
    )


class Projects(containers.DeclarativeContainer):
    """The projects context (feature `project_management`)."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()

    uow = providers.Factory(
        DynamoProjectsUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    directory = providers.Singleton(DynamoOrgDirectory, gateways.dynamo)
    workspaces = providers.Singleton(WorkspaceService, uow=uow, clock=clock)
    projects = providers.Singleton(ProjectService, uow=uow, clock=clock)
    workspace_members = providers.Singleton(
        MemberService, uow=uow, clock=clock, directory=directory, scope=WORKSPACE
    )
    project_members = providers.Singleton(
        MemberService, uow=uow, clock=clock, directory=directory, scope=PROJECT
    )
    dashboard = providers.Singleton(
        DashboardSelector,
        reader=providers.Singleton(DynamoDashboardReader, uow, sleep=time.sleep),
    )
    # The admin: staff use cases over the services above, and whole-table browsing.
    staff_browser = providers.Singleton(DynamoProjectsStaffBrowser, uow)
    staff = providers.Singleton(
        StaffProjectService,
        uow=uow,
        browser=staff_browser,
        workspaces=workspaces,
        projects=projects,
    )
    staff_workspace_members = providers.Singleton(
        StaffMemberService,
        uow=uow,
        browser=staff_browser,
        members=workspace_members,
        scope="workspace",
    )
    staff_project_members = providers.Singleton(
        StaffMemberService, uow=uow, browser=staff_browser, members=project_members, scope="project"
    )


class Agents(containers.DeclarativeContainer):
    """The agent builder context (feature `agent_builder`): agents and their flows. Project
    roles come from the projects context through the ProjectAccess port."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()
    project_service = providers.Dependency()

    uow = providers.Factory(
        DynamoAgentsUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    project_access = providers.Singleton(ProjectServiceAccess, project_service)
    agents = providers.Singleton(AgentService, uow=uow, clock=clock, projects=project_access)
    flows = providers.Singleton(FlowService, uow=uow, clock=clock, projects=project_access)
    node_types = providers.Singleton(
        NodeTypeService,
        uow=uow,
        clock=clock,
        projects=project_access,
        validator=providers.Singleton(JsonSchemaValidator),
    )
    # Versions: publishing resolves prompt pins on the prompts library (its own ports).
    prompts_uow = providers.Factory(
        DynamoPromptsUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    versions = providers.Singleton(
        AgentVersionService,
        uow=uow,
        clock=clock,
        projects=project_access,
        validator=providers.Singleton(JsonSchemaValidator),
        pins=providers.Singleton(PromptLibraryPins, prompts_uow),
    )
    # The admin: staff use cases over the services above, and whole-table browsing.
    staff_browser = providers.Singleton(DynamoAgentsStaffBrowser, uow)
    staff = providers.Singleton(StaffAgentService, uow=uow, browser=staff_browser, agents=agents)


class Prompts(containers.DeclarativeContainer):
    """The prompts library (feature `agent_builder`); renders are counted through `usage`."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()
    usage = providers.Dependency()

    uow = providers.Factory(
        DynamoPromptsUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    prompts = providers.Singleton(PromptService, uow=uow, clock=clock, usage=usage)
    selector = providers.Singleton(PromptSelector, uow=uow)
    staff = providers.Singleton(
        StaffPromptService,
        browser=providers.Singleton(DynamoPromptsStaffBrowser, uow),
        prompts=prompts,
        selector=selector,
    )


class LabRegistry(containers.DeclarativeContainer):
    """The model registry (feature `ai_lab`): models, versions, stages, deployments, aliases
    and metrics; project roles from the projects context through the lab's ProjectAccess."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()
    project_service = providers.Dependency()

    uow = providers.Factory(
        DynamoRegistryUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    project_access = providers.Singleton(ProjectServiceAccess, project_service)
    models = providers.Singleton(
        ModelRegistryService, uow=uow, clock=clock, projects=project_access
    )
    lifecycle = providers.Singleton(
        ModelLifecycleService, uow=uow, clock=clock, projects=project_access
    )
    selector = providers.Singleton(RegistrySelector, uow=uow, projects=project_access)
    # The admin: staff use cases over the lifecycle service, and whole-table browsing.
    staff_browser = providers.Singleton(DynamoRegistryStaffBrowser, uow)
    staff = providers.Singleton(
        StaffRegistryService, uow=uow, browser=staff_browser, lifecycle=lifecycle
    )


class Runs(containers.DeclarativeContainer):
    """The agents' execution history (feature `agent_builder`): runs logged and read through
    the agent's project role (ProjectAccess), each counted through `usage`."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()
    usage = providers.Dependency()
    project_access = providers.Dependency()

    uow = providers.Factory(
        DynamoRunsUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    service = providers.Singleton(
        RunService, uow=uow, clock=clock, projects=project_access, usage=usage
    )
    selector = providers.Singleton(RunSelector, uow=uow, projects=project_access)


class LabTracking(containers.DeclarativeContainer):
    """Experiment tracking (feature `ai_lab`): experiments, runs, params and packed metric
    series; project roles from the projects context through the lab's ProjectAccess."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()
    project_service = providers.Dependency()

    uow = providers.Factory(
        DynamoTrackingUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    project_access = providers.Singleton(ProjectServiceAccess, project_service)
    metric_store = providers.Singleton(DynamoMetricStore, gateways.dynamo)
    experiments = providers.Singleton(
        ExperimentService, uow=uow, clock=clock, projects=project_access
    )
    runs = providers.Singleton(ExperimentRunService, uow=uow, clock=clock, projects=project_access)
    metrics = providers.Singleton(
        MetricService, uow=uow, store=metric_store, projects=project_access, clock=clock
    )
    # The admin: staff use cases over the experiment service, and whole-table browsing.
    staff_browser = providers.Singleton(DynamoTrackingStaffBrowser, uow)
    staff = providers.Singleton(
        StaffTrackingService, uow=uow, browser=staff_browser, experiments=experiments
    )


class LabLogs(containers.DeclarativeContainer):
    """Experiment run logs (feature `ai_lab`): lines of experiments and runs, loaded and
    checked through tracking's unit of work and project access; counted through `usage`."""

    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()
    tracking_uow = providers.Dependency()
    project_access = providers.Dependency()
    usage = providers.Dependency()

    store = providers.Singleton(
        DynamoLogStore, gateways.dynamo, cursors=gateways.cursor_signer, clock=clock
    )
    logs = providers.Singleton(
        LogService,
        uow=tracking_uow,
        store=store,
        projects=project_access,
        clock=clock,
        usage=usage,
    )


class LabDatasets(containers.DeclarativeContainer):
    """Datasets (feature `ai_lab`): registered datasets, immutable versions and lineage (the
    items experiment tracking writes when a run records a dataset version it used)."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()
    project_service = providers.Dependency()

    uow = providers.Factory(
        DynamoDatasetsUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    project_access = providers.Singleton(ProjectServiceAccess, project_service)
    service = providers.Singleton(DatasetService, uow=uow, clock=clock, projects=project_access)
    selector = providers.Singleton(DatasetSelector, uow=uow, projects=project_access)
    # The admin: read-only browsing across organisations.
    staff = providers.Singleton(
        StaffDatasetService, uow=uow, browser=providers.Singleton(DynamoDatasetsStaffBrowser, uow)
    )


class Templates(containers.DeclarativeContainer):
    """The templates marketplace (feature `agent_builder`): uses are counted through `usage`
    and, once per TemplateUsed event, in the template's own count by `stats().consume`."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()
    usage = providers.Dependency()
    project_access = providers.Dependency()

    uow = providers.Factory(
        DynamoTemplatesUnitOfWork,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
        offloader=gateways.offloader,
        audit_retention_days=config.provided.audit_retention_days,
    ).provider
    templates = providers.Singleton(
        TemplateService, uow=uow, clock=clock, projects=project_access, usage=usage
    )
    selector = providers.Singleton(TemplateSelector, uow=uow)
    stats = providers.Singleton(TemplateStatsService, uow=uow)
    staff = providers.Singleton(
        StaffTemplateService, uow=uow, templates=templates, selector=selector
    )


def _runs_switch(cfg: NexusConfig) -> str:
    """Runs are rolled up when their table exists: with the agent builder on."""
    return "on" if "agent_builder" in cfg.features else "off"


class Analytics(containers.DeclarativeContainer):
    """The analytics context (feature `analytics`): the activity feed, recorded from domain
    events by `feed().record(event)` and read by `activity()`; roll-ups, marked due by
    `rollups().mark(event)`, computed by the beat task and read by `dashboard()`; with
    agent_builder on, agent runs too (a RunWindow over their table), read by `execution()`."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()

    feed_repository = providers.Singleton(
        DynamoActivityFeedRepository,
        gateways.dynamo,
        cursors=gateways.cursor_signer,
    )
    feed = providers.Singleton(ActivityFeedService, feed=feed_repository)
    activity = providers.Singleton(ActivityFeedSelector, feed=feed_repository)
    metrics = providers.Singleton(MetricRegistry)
    rollup_store = providers.Singleton(DynamoRollupStore, gateways.dynamo)
    rollups = providers.Singleton(
        RollupService,
        feed=feed_repository,
        store=rollup_store,
        dirty=providers.Singleton(DynamoDirtyPeriods, gateways.dynamo),
        metrics=metrics,
        organisations=providers.Singleton(DynamoActiveOrganisations, gateways.dynamo),
        runs=providers.Selector(
            providers.Callable(_runs_switch, config),
            on=providers.Singleton(DynamoRunWindow, gateways.dynamo),
            off=providers.Object(None),
        ),
        run_metrics=providers.Singleton(RunMetricRegistry),
    )
    dashboard = providers.Singleton(AnalyticsDashboardSelector, store=rollup_store, metrics=metrics)
    execution = providers.Singleton(ExecutionSelector, store=rollup_store)


class Costs(containers.DeclarativeContainer):
    """The cost report (feature `analytics`): each process's capacity units flushed to
    `aggregated-analytics` by `flusher`, read back priced by `report`."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()

    flusher = providers.Singleton(
        CostFlusher, gateways.dynamo, interval=config.provided.cost_flush_seconds
    )
    reader = providers.Singleton(
        DynamoCostReader, gateways.dynamo, prices=config.provided.cost_prices
    )
    report = providers.Singleton(CostReportSelector, reader=reader, clock=clock)


def _usage_keys(cfg: NexusConfig) -> UsageBufferKeys:
    return UsageBufferKeys.of(f"{cfg.table_prefix}:{cfg.environment}:usage")


def _usage_switch(cfg: NexusConfig) -> str:
    return "on" if "analytics" in cfg.features else "off"


class Usage(containers.DeclarativeContainer):
    """Usage tracking (feature `analytics`): counted in a Redis buffer, flushed to
    `aggregated-analytics` by the `nexus.usage.flush` task; synchronous when Redis is down."""

    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.DependenciesContainer()
    clock = providers.Dependency()

    redis = providers.Singleton(make_redis, config.provided.redis_url)
    keys = providers.Callable(_usage_keys, config)
    counts = providers.Singleton(DynamoUsageCounts, gateways.dynamo)
    flusher = providers.Singleton(
        UsageFlusher,
        redis,
        keys=keys,
        counts=counts,
        lock_seconds=config.provided.usage_lock_seconds,
    )
    recorder = providers.Selector(
        providers.Callable(_usage_switch, config),
        on=providers.Singleton(RedisUsageRecorder, redis, keys=keys, counts=counts, clock=clock),
        off=providers.Singleton(DiscardingUsageRecorder),
    )


class Container(containers.DeclarativeContainer):
    __self__ = providers.Self()
    config = providers.Dependency(instance_of=NexusConfig)
    gateways = providers.Container(Gateways, config=config)
    identity = providers.Container(Identity, config=config, gateways=gateways)
    projects = providers.Container(Projects, config=config, gateways=gateways, clock=identity.clock)
    agents = providers.Container(
        Agents,
        config=config,
        gateways=gateways,
        clock=identity.clock,
        project_service=projects.projects,
    )
    usage = providers.Container(Usage, config=config, gateways=gateways, clock=identity.clock)
    prompts = providers.Container(
        Prompts, config=config, gateways=gateways, clock=identity.clock, usage=usage.recorder
    )
    templates = providers.Container(
        Templates,
        config=config,
        gateways=gateways,
        clock=identity.clock,
        usage=usage.recorder,
        project_access=agents.project_access,
    )
    lab_registry = providers.Container(
        LabRegistry,
        config=config,
        gateways=gateways,
        clock=identity.clock,
        project_service=projects.projects,
    )
    runs = providers.Container(
        Runs,
        config=config,
        gateways=gateways,
        clock=identity.clock,
        usage=usage.recorder,
        project_access=agents.project_access,
    )
    lab_tracking = providers.Container(
        LabTracking,
        config=config,
        gateways=gateways,
        clock=identity.clock,
        project_service=projects.projects,
    )
    lab_logs = providers.Container(
        LabLogs,
        gateways=gateways,
        clock=identity.clock,
        tracking_uow=lab_tracking.uow,
        project_access=lab_tracking.project_access,
        usage=usage.recorder,
    )
    lab_datasets = providers.Container(
        LabDatasets,
        config=config,
        gateways=gateways,
        clock=identity.clock,
        project_service=projects.projects,
    )
    analytics = providers.Container(Analytics, config=config, gateways=gateways)
    costs = providers.Container(Costs, config=config, gateways=gateways, clock=identity.clock)
    tenancy = identity.tenancy
    idempotency = providers.Singleton(DynamoIdempotencyStore, gateways.dynamo, clock=identity.clock)
    # The background side: the outbox the relay empties, and tasks that failed for good.
    outbox = providers.Singleton(DynamoOutbox, gateways.dynamo)
    dead_letters = providers.Singleton(
        DynamoDeadLetters,
        gateways.dynamo,
        clock=identity.clock,
        retention_days=config.provided.audit_retention_days,
    )
    # TTL-adjacent jobs: archive rows to S3 before TTL removes them; purge where no TTL runs.
    archiver = providers.Singleton(
        Archiver,
        gateways.dynamo,
        gateways.object_store,
        clock=identity.clock,
        features=config.provided.features,
    )
    purger = providers.Singleton(
        Purger,
        gateways.dynamo,
        clock=identity.clock,
        features=config.provided.features,
        is_aws=config.provided.is_aws,
        archiver=archiver,
    )
    store_status = providers.Factory(
        StoreStatus, dynamo=gateways.dynamo, features=config.provided.features
    )


_container: Container | None = None


WIRED_MODULES = ["domains.shared.web"]


def build_container(cfg: NexusConfig | None = None) -> Container:
    return Container(config=providers.Object(cfg or config()))


def set_container(replacement: Container | None) -> Container | None:
    """Swap the process-wide container (tests); returns the one it replaced."""
    global _container
    previous, _container = _container, replacement
    if replacement is not None:
        replacement.wire(modules=WIRED_MODULES)
    return previous


def container() -> Container:
    """The process-wide container, built on first use."""
    global _container
    if _container is None:
        set_container(build_container())
    assert _container is not None
    return _container
