"""`casereview chronology import`: add the rows of a CSV or XLSX file to an agency's draft chronology, all or nothing,
with the same reading and checks as the import pages."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casereview.accounts.models import Agency, User
from casereview.chronology import imports
from casereview.core.errors import DomainError
from casereview.reviews.models import Review


class Command(BaseCommand):
    help = "Chronology tools for operators and scripts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        command = sub.add_parser(
            "import",
            help="Add every row of a CSV or XLSX file to an agency's draft chronology; nothing if any row is wrong",
        )
        command.add_argument("--review", required=True, help="The review's reference, for example SCR-2026-001")
        command.add_argument("--agency", required=True, help="The agency's name, as the board has it")
        command.add_argument(
            "--as",
            dest="as_email",
            default="",
            help="The email address of the person importing (by default the agency's IMR author on the review)",
        )
        command.add_argument("file", help="The CSV or XLSX file, with a row of headings like the template's")

    def handle(self, *args, action: str, review: str, agency: str, as_email: str, file: str, **options):
        found_review = Review.objects.select_related("board").filter(reference__iexact=review.strip()).first()
        if found_review is None:
            raise CommandError(f"No review has the reference {review!r}: check it")
        found_agency = Agency.objects.filter(board=found_review.board, name__iexact=agency.strip()).first()
        if found_agency is None:
            raise CommandError(f"{found_review.board} has no agency named {agency!r}: check the name")
        actor = self._actor(as_email, found_review, found_agency)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}")
        try:
            with path.open("rb") as opened:
                done = imports.import_file(
                    actor=actor, review=found_review, agency=found_agency, file=opened, name=path.name
                )
        except imports.ImportRefused as refused:
            for line in imports.row_problem_lines(refused.problems):
                self.stderr.write(line)
            rows = len({number for number, _column, _message in refused.problems})
            raise CommandError(f"Nothing imported: {rows} row{'s' if rows != 1 else ''} with problems") from None
        except DomainError as error:
            for field, message in error.errors.items():
                prefix = "" if field in ("file", "__all__") else f"{field}: "
                self.stderr.write(f"{prefix}{message}")
            raise CommandError("Nothing imported") from None
        self.stdout.write(
            f"Imported {done.entries_added} entries from {path.name} into {found_agency}'s draft chronology "
            f"(version {done.version.number}) on {found_review.reference}"
        )

    def _actor(self, email: str, review: Review, agency: Agency) -> User:
        if email:
            user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
            if user is None:
                raise CommandError(f"No active user has the email address {email!r}")
            return user
        user = imports.default_importer(review, agency)
        if user is None:
            raise CommandError(
                f"{agency} has no IMR author on {review.reference}: nominate one, or name who imports with --as EMAIL"
            )
        return user
