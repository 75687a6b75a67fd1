"""The `luoshi` console command: manage.py with the project's commands spelled with hyphens.

`luoshi migrate`, `luoshi lights --plan 1`, `luoshi audit verify`, `luoshi import-org FILE`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        # import-org -> import_org: Django command modules cannot contain hyphens.
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
