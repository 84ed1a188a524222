#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    # No development default here: without DEBUG a command gets the production settings,
    # exactly as the web server, a worker or a cron job does, and stops with a clear
    # message if the production environment is missing. The Makefile sets DEBUG=1.
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reads clinic/settings.py now, to report plainly)
    except ImproperlyConfigured as error:
        sys.exit(f"manage.py: the settings cannot start.\n{error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
