"""Tables for organisations and needs."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Need, Organisation


class IsoDateColumn(tables.Column):
    """A date as YYYY-MM-DD. Not DateColumn: that compiles a template for every cell (about 1 ms each),
    which the load test found to be a good part of this list's rendering time."""

    def render(self, value: dt.date) -> str:
        return value.isoformat()


class OrganisationTable(tables.Table):
    name = tables.LinkColumn("workplaces:organisation_detail", args=[tables.A("pk")])
    workplace_count = tables.Column(verbose_name=capfirst(_("workplaces")))
    open_needs = tables.Column(verbose_name=capfirst(_("open needs")))

    class Meta:
        model = Organisation
        fields = ("name", "kind", "organisation_number", "workplace_count", "open_needs", "active")
        order_by = ("name",)
        empty_text = _("No organisations match.")


class NeedTable(tables.Table):
    title = tables.LinkColumn("workplaces:need_detail", args=[tables.A("pk")])
    workplace = tables.Column(accessor="workplace__name", verbose_name=capfirst(_("workplace")))
    organisation = tables.Column(accessor="workplace__organisation__name", verbose_name=capfirst(_("organisation")))
    occupation = tables.Column(accessor="occupation", order_by=("occupation__code",))
    taken = tables.Column(verbose_name=capfirst(_("taken")))
    start_date = IsoDateColumn()
    end_date = IsoDateColumn()

    class Meta:
        model = Need
        fields = (
            "title",
            "organisation",
            "workplace",
            "occupation",
            "places",
            "taken",
            "start_date",
            "end_date",
            "status",
        )
        order_by = ("start_date",)
        empty_text = _("No needs match.")
        # Rows written out from the record, for speed (templates/participants/participant_table.html says
        # why; a test keeps them equal to what the columns render).
        template_name = "workplaces/need_table.html"
