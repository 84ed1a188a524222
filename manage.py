#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    # Commands run on a developer's clone work without configuration. The web server's
    # entry point (clinic/wsgi.py) keeps DEBUG off unless DEBUG=1 is set explicitly, and
    # production sets DEBUG=0 in the environment for both.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
