"""URL configuration."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import PasswordResetView
from django.urls import include, path
from django.views.i18n import set_language

from accounts.forms import MunicipalPasswordResetForm
from accounts.views import ChoosePasswordView, access_log_review, log_out_everywhere
from placements.meeting_views import calendar_feed
from placements.portal import follow_up_by_link
from placements.signing_views import signing_by_link, signing_link_document

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("start/<slug:panel>/", views.start_list, name="start_list"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("accounts/logout-everywhere/", log_out_everywhere, name="logout_everywhere"),
    path("access-log/review/", access_log_review, name="access_log_review"),
    # The invitation's link: the reset page's token, but choosing a first password (accounts.views).
    path("accounts/welcome/<uidb64>/<token>/", ChoosePasswordView.as_view(), name="password_choose"),
    # Reset links begin with the user's municipality's site address, never the request's host.
    path(
        "accounts/password_reset/",
        PasswordResetView.as_view(form_class=MunicipalPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("participants/", include("participants.urls")),
    path("", include("workplaces.urls")),
    path("placements/", include("placements.urls")),
    path("supervisors/", include("supervisors.urls")),
    path("dashboard/", include("reporting.urls")),
    path("privacy/", include("privacy.urls")),
    # The language switch is also offered on the login page.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # A supervisor's personal follow-up link from a reminder (no login: the signed token is the key).
    path("f/<str:token>/", follow_up_by_link, name="follow_up_link"),
    # A coordinator's calendar feed, for calendar apps (no login: the secret in the URL is the key).
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    # A party's personal link to sign a placement agreement (no login: the signed token is the key).
    path("s/<str:token>/", signing_by_link, name="signing_link"),
    path("s/<str:token>/agreement.pdf", signing_link_document, name="signing_link_document"),
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]
