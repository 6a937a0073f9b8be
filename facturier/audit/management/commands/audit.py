"""``facturier audit verify``: walk the journal's hash chain.

Exits 0 with ``chain intact: N entries``, or 1 naming the first bad entry (sequence number, id and
what is wrong) on standard error.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from facturier.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Audit journal tools. 'verify' checks that no entry was edited, deleted or re-ordered."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        verify = sub.add_parser("verify", help="walk the hash chain; exit 1 at the first bad entry")
        verify.add_argument(
            "--chunk-size", type=int, default=2000, help="entries read per database round-trip"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify(chunk_size=options["chunk_size"])

    def verify(self, *, chunk_size: int) -> None:
        report = audit_chain_verify(chunk_size=chunk_size)
        if report.intact:
            self.stdout.write(str(report))
            return
        self.stderr.write(str(report))
        raise SystemExit(1)
