"""The Celery application. Workers: `celery -A config worker`; schedules: `celery -A config beat`."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


class SystemContextTask(Task):
    """Every task runs in the database's system context (accounts.tenancy): a worker serves no one
    user, and a task run in-process (eager, in development and tests) must not inherit the bound of
    the request that queued it, since what it computes (a quarterly report, the dashboard's summary)
    is shared."""

    def __call__(self, *args, **kwargs):
        from accounts import tenancy  # not at import: this module loads before the apps

        if tenancy.current_municipalities() is None:
            return super().__call__(*args, **kwargs)
        with tenancy.municipality_scope(None):
            return super().__call__(*args, **kwargs)


app = Celery("platsa", task_cls=SystemContextTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
