import secrets

from django.db import migrations, models

import casereview.accounts.models


def give_each_user_a_token(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk"):
        User.objects.filter(pk=user.pk).update(session_token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_memberships"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="session_token",
            field=models.CharField(
                default=casereview.accounts.models.new_session_token, editable=False, max_length=64
            ),
        ),
        migrations.RunPython(give_each_user_a_token, migrations.RunPython.noop),
    ]
