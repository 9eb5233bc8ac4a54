"""The participant list as a sortable, paginated table (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Participant


class ParticipantTable(tables.Table):
    name = tables.LinkColumn(
        "participants:detail",
        args=[tables.A("pk")],
        accessor="full_name",
        order_by=("last_name", "first_name"),
        verbose_name=_("Name"),
    )
    birth = tables.Column(
        accessor="masked_identity_number",
        order_by=("identity_number",),
        verbose_name=capfirst(_("personal identity number")),
    )
    coordinator = tables.Column(
        verbose_name=capfirst(_("responsible coordinator")), order_by=("coordinator__last_name",)
    )
    establishment_programme_end = tables.DateColumn(
        format="Y-m-d", verbose_name=capfirst(_("establishment programme ends"))
    )
    referral_date = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Participant
        fields = ("name", "birth", "status", "target_group", "swedish_level", "job_track", "coordinator")
        sequence = (
            "name",
            "birth",
            "status",
            "target_group",
            "swedish_level",
            "job_track",
            "coordinator",
            "referral_date",
            "establishment_programme_end",
        )
        order_by = ("name",)
        empty_text = _("No participants match.")
