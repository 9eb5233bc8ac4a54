from django.urls import path

from . import meeting_views, portal, signing_views, summary_views, views

app_name = "placements"

urlpatterns = [
    path("new/", views.placement_propose, name="propose"),
    path("supervisor-options/", views.supervisor_options, name="supervisor_options"),
    path("quick-propose/", views.quick_propose, name="quick_propose"),
    path("allocation/", views.allocation, name="allocation"),
    path("for-need/<int:pk>/", views.need_candidates, name="need_candidates"),
    path("for-participant/<int:pk>/", views.participant_needs, name="participant_needs"),
    path("<int:pk>/", views.placement_detail, name="detail"),
    path("<int:pk>/change/", views.proposal_change, name="proposal_change"),
    path("<int:pk>/agreement.pdf", views.placement_agreement, name="agreement"),
    path("<int:pk>/follow-up/", portal.follow_up_form, name="follow_up"),
    path("portal/<int:pk>/", portal.portal_placement, name="portal_placement"),
    path("<int:pk>/certificate.pdf", views.placement_certificate, name="certificate"),
    path("week/", meeting_views.week, name="week"),
    path("calendar/", meeting_views.calendar_feed_settings, name="calendar_feed_settings"),
    path("<int:pk>/meetings/new/", meeting_views.meeting_book, name="meeting_book"),
    path("<int:pk>/meetings/<int:meeting_pk>/change/", meeting_views.meeting_change, name="meeting_change"),
    path("<int:pk>/meetings/<int:meeting_pk>/cancel/", meeting_views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/agreement-draft.pdf", signing_views.agreement_draft, name="agreement_draft"),
    path("<int:pk>/signing/", signing_views.signing_page, name="signing"),
    path("<int:pk>/signing/send/", signing_views.signing_send, name="signing_send"),
    path("<int:pk>/signing/sign/", signing_views.signing_sign, name="signing_sign"),
    path("<int:pk>/signing/paper/", signing_views.signing_paper, name="signing_paper"),
    path("<int:pk>/signing/document.pdf", signing_views.signing_document, name="signing_document"),
    path("<int:pk>/signing/scan/<int:signature_pk>/", signing_views.signature_scan, name="signature_scan"),
    path("<int:pk>/certificate/approve/", views.certificate_approve, name="certificate_approve"),
    path("<int:pk>/certificate/return/", views.certificate_return, name="certificate_return"),
    path("portal/<int:pk>/certificate/", portal.portal_certificate, name="portal_certificate"),
    path("<int:pk>/summary/", summary_views.summary_page, name="summary"),
    path("<int:pk>/summary.pdf", summary_views.summary_download, name="summary_pdf"),
    path("<int:pk>/summary/first-day-notes/", summary_views.summary_notes, name="summary_notes"),
    path("<int:pk>/summary/sms/", summary_views.summary_sms, name="summary_sms"),
    path("<int:pk>/<slug:action>/", views.placement_transition, name="transition"),
]
