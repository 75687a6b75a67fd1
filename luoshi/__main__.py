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

    try:
        execute_from_command_line(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`luoshi lights --plan 1 | head`): stop quietly, as Unix tools do.
        # Python flushes stdout again at exit; point it at /dev/null so that flush cannot fail too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe
    return 0


if __name__ == "__main__":
    sys.exit(main())
