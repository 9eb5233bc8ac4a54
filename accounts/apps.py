from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and teams")

    def ready(self) -> None:
        post_migrate.connect(_sync_role_permissions, sender=self, dispatch_uid="accounts-role-permissions")
        from . import tenancy  # noqa: F401  # connects the hook that binds a connection opened in a request


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
    apps_named = {name.split(".", 1)[0] for name in ADMINISTRATOR_PERMISSIONS}
    by_name = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.using(using)
        .filter(content_type__app_label__in=apps_named)
        .select_related("content_type")
    }
    missing = set(ADMINISTRATOR_PERMISSIONS) - set(by_name)
    if missing:
        raise RuntimeError(f"ADMINISTRATOR_PERMISSIONS names permissions that do not exist: {sorted(missing)}")
    group, _created = Group.objects.using(using).get_or_create(name=Role.ADMINISTRATOR)
    group.permissions.set([by_name[name] for name in ADMINISTRATOR_PERMISSIONS])
