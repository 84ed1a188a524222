"""System checks of the clinic's own (run by `manage.py check` and most commands)."""

from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

if TYPE_CHECKING:
    from clinic.cache_versions import CacheVersion


@register(Tags.security)
def debug_on_a_shared_database(app_configs, **kwargs) -> list[Warning]:
    """DEBUG=1 is for a developer's own data; against another machine's database it is
    allowed (with that site's keys, clinic/settings.py insists) but rarely meant."""
    from clinic.settings import is_on_this_machine

    database = settings.DATABASES["default"]
    if not settings.DEBUG or is_on_this_machine(database):
        return []
    return [
        Warning(
            f"DEBUG is on while the database is on another machine ({database['HOST']}).",
            hint="DEBUG=1 is for development. Production processes (web server, worker, "
            "cron jobs) run with DEBUG=0.",
            id="clinic.W001",
        )
    ]


@register(Tags.caches, Tags.models)
def cache_dependencies(app_configs, **kwargs) -> list[Error]:
    """Every model a cached thing declares exists, and its bulk writes make the cache stale
    (its managers are built on InvalidatingQuerySet; clinic/cache_versions.py)."""
    from clinic.cache_versions import DECLARED

    return [error for version in DECLARED for error in declaration_errors(version)]


def declaration_errors(version: "CacheVersion") -> list[Error]:
    from clinic.cache_versions import InvalidatingQuerySet

    errors = []
    for label in version.depends_on:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            errors.append(
                Error(
                    f"The cache {version.key!r} depends on {label!r}, which is not a model.",
                    hint="Name models as 'app_label.ModelName'.",
                    id="clinic.E010",
                )
            )
            continue
        for manager in model._meta.managers:
            if not issubclass(manager._queryset_class, InvalidatingQuerySet):
                errors.append(
                    Error(
                        f"{label}.{manager.name}: its bulk writes (update, delete, "
                        f"bulk_create) would leave the cache {version.key!r} stale.",
                        hint="Build the model's QuerySet on clinic.cache_versions."
                        "InvalidatingQuerySet (or use InvalidatingQuerySet.as_manager()).",
                        obj=model,
                        id="clinic.E011",
                    )
                )
    return errors
