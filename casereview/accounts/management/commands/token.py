"""`casereview token create --email E [--name N]`: make an API token, shown once."""

from django.core.management.base import BaseCommand, CommandError

from casereview.accounts.models import User
from casereview.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user. The token is printed once; only its hash is kept."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token")
        create.add_argument("--email", required=True, help="The user's email address")
        create.add_argument("--name", default="API token", help="What the token is for")

    def handle(self, *args, action: str, email: str, name: str, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the email address {email}")
        _token, key = api_token_create(actor=None, user=user, name=name)
        self.stdout.write(key)
