"""System checks of the clinic's own (run by `manage.py check` and most commands)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
