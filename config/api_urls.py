"""The REST API (/api/v1/), its OpenAPI schema (/api/schema/) and the docs page (/api/docs/)."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.base import ApiViewMixin
from api.journal import CaseNoteViewSet, TaskViewSet
from api.meetings import MeetingViewSet
from api.participants import ParticipantViewSet, WorkExperienceViewSet
from api.placements import FollowUpViewSet, PlacementViewSet, PortalPlacementViewSet
from api.reporting import ReportFiguresView
from api.supervisors import SupervisorViewSet
from api.workplaces import NeedViewSet, OrganisationViewSet, WorkplaceViewSet


class Router(DefaultRouter):
    # No root listing and no ".json" suffixes: one URL per resource, JSON only.
    include_root_view = False
    include_format_suffixes = False


router = Router(trailing_slash=True)
router.register("participants", ParticipantViewSet, basename="participant")
router.register("work-experience", WorkExperienceViewSet, basename="work-experience")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("workplaces", WorkplaceViewSet, basename="workplace")
router.register("needs", NeedViewSet, basename="need")
router.register("supervisors", SupervisorViewSet, basename="supervisor")
router.register("placements", PlacementViewSet, basename="placement")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("portal/placements", PortalPlacementViewSet, basename="portal-placement")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("case-notes", CaseNoteViewSet, basename="case-note")
router.register("tasks", TaskViewSet, basename="task")


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The schema, for any signed-in user or token: it describes the API, not data."""

    permission_classes = ApiViewMixin.permission_classes[:1]
    renderer_classes = [OpenApiJsonRenderer]


class DocsView(ApiViewMixin, SpectacularSwaggerSplitView):
    """Swagger UI from the drf-spectacular-sidecar package (no CDN), its start script served
    as a file (?script), so the page runs under the CSP without inline code."""

    permission_classes = ApiViewMixin.permission_classes[:1]
    template_name = "api/swagger_ui.html"


app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/report-figures/", ReportFiguresView.as_view(), name="report-figures"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]
