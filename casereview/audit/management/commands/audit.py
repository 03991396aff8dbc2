"""`casereview audit verify`: recompute the hash chain of the audit trail and name the first broken event."""

from contextlib import closing

from django.core.management.base import BaseCommand, CommandError

from casereview.audit.chain import HASHED_FIELDS, chain_check
from casereview.audit.models import AuditEvent

BATCH = 2000


class Command(BaseCommand):
    help = "Check the audit trail."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        commands.add_parser("verify", help="Recompute the hash chain; exit 1 naming the first broken event.")

    def handle(self, *args, subcommand, **options):
        if subcommand == "verify":
            self.verify()

    def verify(self):
        fields = ("id", "hash", "previous_hash", *HASHED_FIELDS)
        # Closed at once, not when collected: on PostgreSQL the iterator holds a server-side cursor.
        with closing(AuditEvent.objects.order_by("id").values(*fields).iterator(chunk_size=BATCH)) as events:
            report = chain_check(events)
        if report.broken:
            raise CommandError(
                f"Audit trail broken at {report.broken} "
                f"({report.events} earlier event{'' if report.events == 1 else 's'} intact)",
                returncode=1,
            )
        head = f"last event {report.head_id}, head hash {report.head_hash}" if report.events else "no events yet"
        self.stdout.write(f"Audit trail intact: {report.events} events chained, {head}")
