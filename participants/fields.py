"""Fields of the participant models that Django does not have."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from accounts.search import fold


class FoldedSearchField(models.TextField):
    """A derived column: `fold()` of the `sources` fields of the row, joined by spaces.

    It is set in `pre_save`, the hook Django's own `auto_now` uses, so every save() and bulk_create()
    (registration, editing, the import, the admin, the demo data, the factories) keeps it in step with
    no caller having to remember it. Not in step by itself: `QuerySet.update()` of a source field and
    `save(update_fields=...)` without this field; pseudonymisation (privacy.services) clears it in its
    own update. A derived value, not domain logic, which is why it may live in a field's hook."""

    def __init__(self, *args: Any, sources: Sequence[str] = (), **kwargs: Any) -> None:
        self.sources = tuple(sources)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = list(self.sources)
        for key, value in (("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = search_text(*(getattr(model_instance, source) or "" for source in self.sources))
        setattr(model_instance, self.attname, value)
        return value


def search_text(*parts: str) -> str:
    """The folded text a search column holds for these field values."""
    return fold(" ".join(part for part in parts if part))
