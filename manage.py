#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that only read the code and write source files (migrations, catalogues): they
# touch no patient data and no keys, and never run in production, so without DEBUG they
# use the development settings, and say so.
SOURCE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    # No development default here: without DEBUG a command gets the production settings,
    # exactly as the web server, a worker or a cron job does, and stops with a clear
    # message if the production environment is missing. The Makefile sets DEBUG=1.
    if "DEBUG" not in os.environ and sys.argv[1:2] and sys.argv[1] in SOURCE_ONLY_COMMANDS:
        os.environ["DEBUG"] = "1"
        sys.stderr.write(f"manage.py: {sys.argv[1]} reads only the code: development settings.\n")
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
