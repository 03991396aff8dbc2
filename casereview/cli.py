"""The `casereview` command: Django's management commands with Casereview's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casereview.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["casereview", *sys.argv[1:]])


if __name__ == "__main__":
    main()
