"""Factories for the outbox."""

from __future__ import annotations

import factory

from outbox.models import OutboxMessage


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxMessage

    task_name = "outbox.tasks.relay_outbox"
    args = factory.LazyFunction(list)
    key = factory.Sequence(lambda n: f"test-{n}")
