"""The tenant key on the rows of a case file and of its placements: the one home of the rule that a
row's municipality is its parent's (a work experience's is its case file's, a follow-up's its
placement's, a signature's its document's), and so in the end always the case file's.

Every such row carries `municipality` itself, even where a join would find it, so that the schema
can later be distributed by municipality without a rewrite (README, "Municipalities"). The services
set it when they create a row (`key_from_parent`, or `tenant_key(parent)` for `create` and
`get_or_create` keyword arguments), the factories derive it from the parent, the database refuses a
row without one (NOT NULL), and `clean` refuses one that differs from its parent's.

A placement's municipality is its participant's, never its workplace's: a regional employer may
take placements from several municipalities.

Lives in participants, the lowest app with tenant-keyed rows of this kind, so that placements can
use it without accounts (which holds Municipality) knowing any higher app.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def tenant_key(parent: Any) -> dict[str, int]:
    """The keyword arguments that give a new row the municipality of `parent` (a case file, a
    placement, a follow-up, an agreement document: anything with a `municipality_id`)."""
    return {"municipality_id": parent.municipality_id}


class TenantKeyed(models.Model):
    """A row owned by one municipality through its parent, named by `TENANT_PARENT` (the foreign
    key whose row's municipality this one carries). A model with more than one possible parent
    (placements.Reminder) overrides `tenant_parent`."""

    TENANT_PARENT: ClassVar[str]

    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        editable=False,
        db_index=True,
    )

    class Meta:
        abstract = True

    def tenant_parent(self) -> Any | None:
        """The row whose municipality this one carries, or None while it is not set."""
        if getattr(self, f"{self.TENANT_PARENT}_id") is None:
            return None
        return getattr(self, self.TENANT_PARENT)

    def key_from_parent(self) -> Self:
        """Give the (unsaved) row its parent's municipality; returns the row, for list comprehensions
        that feed `bulk_create`."""
        parent = self.tenant_parent()
        if parent is not None:
            self.municipality_id = parent.municipality_id
        return self

    def clean(self) -> None:
        super().clean()
        parent = self.tenant_parent()
        if self.municipality_id is not None and parent is not None and parent.municipality_id != self.municipality_id:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: ValidationError(
                        _("The row belongs to another municipality than the record it is part of."),
                        code="other_municipality",
                    )
                }
            )
