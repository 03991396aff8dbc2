"""`casereview remind` (run daily): remind agencies of their deadlines, tell them and the board managers of missed
ones, then retry the e-mails that could not be sent."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casereview.involvement.services import long_date, reminders_send
from casereview.notifications.services import notifications_email_unsent


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise CommandError(f"--date must be a date written YYYY-MM-DD, for example 2026-03-04, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Send the day's deadline reminders and missed-deadline notices (each only once), then retry unsent e-mails. "
        "Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", dest="day", metavar="YYYY-MM-DD", help="Run as of this day instead of today (to catch up)"
        )

    def handle(self, *args, day: str | None = None, **options):
        today = parse_day(day) if day is not None else timezone.localdate()
        run = reminders_send(today=today, working_days=settings.CASEREVIEW_REMINDER_WORKING_DAYS)
        retried = notifications_email_unsent()
        self.stdout.write(
            f"{long_date(today)}: {run.reminders} deadline reminder(s) and {run.missed} missed-deadline notice(s) "
            f"to {len(run.people)} people; {retried} earlier e-mail(s) sent on retry"
        )
