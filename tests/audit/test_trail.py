"""A review's audit trail page and its CSV export, for the board manager only."""

import csv
import io
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from casereview.audit.models import AuditEvent
from casereview.audit.services import audit_record
from casereview.audit.views import csv_safe
from tests.factories import add_subject, days_ago, today
from tests.web import error_summary, page


def trail_url(review, **params):
    return reverse("audit:trail", args=[review.pk]) + (f"?{urlencode(params)}" if params else "")


def csv_url(review, **params):
    return reverse("audit:trail-csv", args=[review.pk]) + (f"?{urlencode(params)}" if params else "")


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def table_actions(response) -> list[str]:
    doc = page(response)
    return [row.children[2].text for row in doc.find_all("tr") if row.children and row.children[0].tag == "td"]


@pytest.fixture
def trail(review, manager, chair):
    """The referral, a person added by the manager, and a note by the chair."""
    add_subject(review, manager)
    audit_record(actor=chair, action="review.noted", obj=review, data={"note": "checked"})
    return review


def test_the_board_manager_sees_the_trail_newest_first(client_for, manager, trail):
    response = client_for(manager).get(trail_url(trail))
    assert response.status_code == 200
    assert table_actions(response)[0] == "review.noted"
    assert list(AuditEvent.objects.filter(review=trail).order_by("-id").values_list("action", flat=True)) == [
        *table_actions(response)
    ]


def test_the_workspace_links_to_the_trail_only_for_the_board_manager(client_for, manager, chair, trail):
    link = f'href="{trail_url(trail)}"'
    assert link in client_for(manager).get(reverse("reviews:review", args=[trail.pk])).content.decode()
    assert link not in client_for(chair).get(reverse("reviews:review", args=[trail.pk])).content.decode()


def test_the_board_chair_and_other_boards_get_not_found(client_for, chair, other_manager, trail):
    for user in (chair, other_manager):
        assert client_for(user).get(trail_url(trail)).status_code == 404
        assert client_for(user).get(csv_url(trail)).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_filter_by_action(client_for, manager, trail):
    response = client_for(manager).get(trail_url(trail, action="review.noted"))
    assert table_actions(response) == ["review.noted"]


def test_filter_by_actor(client_for, manager, chair, trail):
    response = client_for(manager).get(trail_url(trail, actor=chair.pk))
    assert table_actions(response) == ["review.noted"]
    response = client_for(manager).get(trail_url(trail, actor=manager.pk))
    assert "review.noted" not in table_actions(response) and table_actions(response)


def date_params(name, day) -> dict:
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


def test_filter_by_date_range(client_for, manager, trail, monkeypatch):
    ten_days_ago = timezone.now() - timedelta(days=10)
    # The time is part of the hash, so an old event is written at an old time, not changed afterwards.
    monkeypatch.setattr("casereview.audit.services.timezone", SimpleNamespace(now=lambda: ten_days_ago))
    audit_record(actor=manager, action="review.old", obj=trail)
    monkeypatch.undo()
    client = client_for(manager)
    old_day = timezone.localtime(ten_days_ago).date()
    assert table_actions(
        client.get(trail_url(trail, **date_params("date_from", old_day), **date_params("date_to", old_day)))
    ) == ["review.old"]
    assert table_actions(client.get(trail_url(trail, **date_params("date_to", days_ago(1))))) == ["review.old"]
    recent = table_actions(client.get(trail_url(trail, **date_params("date_from", today()))))
    assert "review.old" not in recent and "review.noted" in recent


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"action": "no.such.action"}, "Select an action from the list"),
        ({"actor": "not-a-number"}, "Select a person from the list"),
        ({"actor": "999999"}, "Select a person from the list"),
        ({"date_from-day": "31", "date_from-month": "2", "date_from-year": "2026"}, None),
        ({"date_from-day": "x", "date_from-month": "", "date_from-year": "2026"}, None),
        (
            {
                "date_from-day": "2",
                "date_from-month": "3",
                "date_from-year": "2026",
                "date_to-day": "1",
                "date_to-month": "3",
                "date_to-year": "2026",
            },
            "The last date must be the same as or after the first date",
        ),
    ],
)
def test_invalid_filters_show_an_error_summary(client_for, manager, trail, params, message):
    response = client_for(manager).get(trail_url(trail, **params))
    assert response.status_code == 200
    errors = error_summary(response)
    assert errors
    if message:
        assert message in errors
    assert "Correct the filters to see the events." in response.content.decode()
    assert table_actions(response) == []
    # The export refuses the same filters, and nothing is exported or recorded.
    response = client_for(manager).get(csv_url(trail, **params))
    assert response["Content-Type"].startswith("text/html")
    assert error_summary(response)
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_the_trail_is_paginated_by_fifty(client_for, manager, trail):
    for number in range(60):
        audit_record(actor=manager, action="review.noted", obj=trail, data={"n": number})
    total = AuditEvent.objects.filter(review=trail).count()
    client = client_for(manager)
    first = client.get(trail_url(trail, action="review.noted"))
    assert len(table_actions(first)) == 50
    assert "page=2" in first.content.decode() and "action=review.noted&amp;page=2" in first.content.decode()
    second = client.get(trail_url(trail, action="review.noted", page=2))
    assert len(table_actions(second)) == 61 - 50
    assert len(table_actions(client.get(trail_url(trail, page="nonsense")))) == 50
    assert len(table_actions(client.get(trail_url(trail, page=99)))) == total - 50


def test_csv_export_has_the_columns_and_the_filtered_events(client_for, manager, chair, trail):
    response = client_for(manager).get(csv_url(trail, actor=chair.pk), REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{trail.reference}-audit-trail.csv"' in response["Content-Disposition"]
    header, *body = rows(response)
    assert header == ["Time (UK)", "Actor", "Action", "Object", "IP address", "Request id", "Data", "Hash"]
    [row] = body
    event = AuditEvent.objects.get(review=trail, action="review.noted")
    assert row == [
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        str(chair),
        "review.noted",
        f"reviews.review:{trail.pk}",
        "",
        "",
        '{"note": "checked"}',
        event.hash,
    ]


def test_the_export_is_audited(client_for, manager, trail):
    response = client_for(manager).get(csv_url(trail, action="review.noted"), REMOTE_ADDR="10.9.8.7")
    export = AuditEvent.objects.get(action="audit.exported")
    assert (export.actor, export.review, export.ip_address) == (manager, trail, "10.9.8.7")
    assert export.data == {"filters": {"action": "review.noted"}, "events": 1}
    assert export.request_id == response["X-Request-Id"]
    assert len(rows(response)) == 2, "the export's own event is not in the file it describes"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Mary Manager", "Mary Manager"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value, written):
    assert csv_safe(value) == written


def test_csv_export_neutralises_a_formula_in_a_name(client_for, manager, trail):
    manager.full_name = "=cmd|' /C calc'!A0"
    manager.save(update_fields=["full_name"])
    body = rows(client_for(manager).get(csv_url(trail)))[1:]
    assert "'=cmd|' /C calc'!A0" in {row[1] for row in body}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)
