"""The participant list as a sortable, paginated table (django-tables2)."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Participant


class IsoDateColumn(tables.Column):
    """A date as YYYY-MM-DD. Not DateColumn: that compiles a template for every cell (about 1 ms each),
    which the load test found to be a good part of this list's rendering time."""

    def render(self, value: dt.date) -> str:
        return value.isoformat()


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
    establishment_programme_end = IsoDateColumn(verbose_name=capfirst(_("establishment programme ends")))
    referral_date = IsoDateColumn()

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
        # Rows written out from the record, for speed (the template says why; a test keeps them equal).
        template_name = "participants/participant_table.html"
