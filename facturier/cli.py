"""The ``facturier`` command.

``facturier validate`` and ``facturier convert`` work on files with the Django-free e-invoice core
and start fast; every other sub-command is a Django management command (``facturier migrate``,
``facturier audit verify``, ``facturier worker``, ``facturier scheduler``, ``facturier serve`` …).
"""

from __future__ import annotations

import os
import sys

_EINVOICE_COMMANDS = {"validate", "convert"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _EINVOICE_COMMANDS:
        from facturier.einvoice.cli import main as einvoice_main

        return einvoice_main(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["facturier", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
