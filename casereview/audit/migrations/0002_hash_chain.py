"""The hash chain: sequence, previous_hash and hash on every event, existing events chained in id order."""

import django.utils.timezone
from django.db import migrations, models

from casereview.audit.chain import GENESIS, HASHED_FIELDS, event_hash


def chain_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    previous_hash = GENESIS
    for sequence, event in enumerate(AuditEvent.objects.order_by("id").iterator(chunk_size=2000), start=1):
        event.sequence = sequence
        event.previous_hash = previous_hash
        event.hash = event_hash(previous_hash, {name: getattr(event, name) for name in HASHED_FIELDS})
        event.save(update_fields=["sequence", "previous_hash", "hash"])
        previous_hash = event.hash


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="auditevent", name="sequence", field=models.PositiveBigIntegerField(null=True)
        ),
        migrations.AddField(
            model_name="auditevent", name="previous_hash", field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent", name="hash", field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent", name="sequence", field=models.PositiveBigIntegerField(unique=True)
        ),
    ]
