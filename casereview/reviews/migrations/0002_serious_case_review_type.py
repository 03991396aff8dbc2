from django.db import migrations

from casereview.reviews.review_types import SERIOUS_CASE_REVIEW


def add_serious_case_review(apps, schema_editor):
    ReviewType = apps.get_model("reviews", "ReviewType")
    DeadlineRule = apps.get_model("reviews", "DeadlineRule")
    spec = dict(SERIOUS_CASE_REVIEW)
    rules = spec.pop("deadline_rules")
    spec.pop("panel_seats")  # added by migration 0003, with its field
    review_type, _ = ReviewType.objects.update_or_create(code=spec.pop("code"), defaults=spec)
    for rule in rules:
        DeadlineRule.objects.update_or_create(review_type=review_type, key=rule["key"], defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(add_serious_case_review, migrations.RunPython.noop)]
