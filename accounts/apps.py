from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and teams")

    def ready(self) -> None:
        post_migrate.connect(_sync_role_permissions, sender=self, dispatch_uid="accounts-role-permissions")


def _sync_role_permissions(*, using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    """After every `migrate`: the Administrator group holds exactly `ADMINISTRATOR_PERMISSIONS`.

    Django creates each app's permissions in its own post_migrate handler, which may not have run yet
    for the apps listed after this one; creating them here first is what that handler does, and
    harmless twice."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from .access import ADMINISTRATOR_PERMISSIONS
    from .models import Role

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    wanted = [name.split(".", 1) for name in ADMINISTRATOR_PERMISSIONS]
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in={app for app, _codename in wanted},
        codename__in={codename for _app, codename in wanted},
    )
    found = [p for p in permissions.select_related("content_type") if [p.content_type.app_label, p.codename] in wanted]
    missing = {f"{app}.{codename}" for app, codename in wanted} - {
        f"{p.content_type.app_label}.{p.codename}" for p in found
    }
    if missing:
        raise RuntimeError(f"ADMINISTRATOR_PERMISSIONS names permissions that do not exist: {sorted(missing)}")
    group, _created = Group.objects.using(using).get_or_create(name=Role.ADMINISTRATOR)
    group.permissions.set(found)
