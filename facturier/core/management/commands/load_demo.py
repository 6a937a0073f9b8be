from django.conf import settings
from django.core.management.base import BaseCommand

from facturier.core.demo import banner, load_demo


class Command(BaseCommand):
    help = "Load the demo structures, users, technical account and OAuth application (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--quiet", action="store_true", help="do not print the demo logins")

    def handle(self, *args, base_url: str, quiet: bool, **options):
        if not settings.FACTURIER_DEMO:
            self.stdout.write("FACTURIER_DEMO=0: demo data disabled.")
            return
        logins = load_demo(with_invoices=True)
        if not quiet:
            self.stdout.write(banner(logins, base_url=base_url))
