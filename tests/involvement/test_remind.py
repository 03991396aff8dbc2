"""`casereview remind`: reminders before each deadline, a notice once it is missed, each sent once; then retries."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casereview.core.calendar import add_working_days, is_working_day
from casereview.involvement.services import involvement_withdraw, long_date
from casereview.notifications.models import Notification
from casereview.notifications.services import notify
from casereview.records.models import AgencyVault
from casereview.records.services import records_secure
from tests.factories import UserFactory, today
from tests.involvement.conftest import deadlines_from


def remind(day: date | str) -> str:
    out = StringIO()
    call_command("remind", "--date", day if isinstance(day, str) else day.isoformat(), stdout=out)
    return out.getvalue()


def working_day_after_a_working_day(start: date) -> date:
    """A day on or after `start` that is a working day and follows one (Tuesday to Friday, no bank holiday)."""
    day = start
    while not (is_working_day(day) and is_working_day(day - timedelta(days=1))):
        day += timedelta(days=1)
    return day


@pytest.fixture
def plan(held):
    """The police asked, its records already secured, its chronology due 5 working days after `run`, its
    initial report and IMR far off."""
    run = working_day_after_a_working_day(today() + timedelta(days=20))
    due = add_working_days(run, 5)
    dates = deadlines_from(held.decided_on, records=0) | {
        "initial_report_due_on": due + timedelta(days=60),
        "chronology_due_on": due,
        "imr_due_on": due + timedelta(days=90),
    }
    author, senior = held.asked(**dates)
    records_secure(actor=held.manager, vault=AgencyVault(held.fresh_review(), held.police), secured_on=today())
    return {"run": run, "due": due, "author": author, "senior": senior}


def reminders(**filters):
    return Notification.objects.filter(key__contains="-reminder", **filters)


def missed(**filters):
    return Notification.objects.filter(key__contains="-missed", **filters)


def test_a_reminder_goes_to_the_nominees_five_working_days_before(held, plan, mailoutbox):
    remind(plan["run"] - timedelta(days=1))
    assert not reminders().exists()
    output = remind(plan["run"])
    assert {n.user for n in reminders()} == {plan["author"], plan["senior"]}
    assert not reminders(user=held.manager).exists()
    notification = reminders().first()
    assert notification.subject.endswith(f"Northshire Police is to compile its chronology by {long_date(plan['due'])}")
    assert notification.link == f"/reviews/{held.review.pk}/agencies/{held.police.pk}/"
    assert {m.to[0] for m in mailoutbox if "compile its chronology" in m.subject} == {
        plan["author"].email,
        plan["senior"].email,
    }
    assert output.strip() == (
        f"{long_date(plan['run'])}: 1 deadline reminder(s) and 0 missed-deadline notice(s) to 2 people; "
        "2 earlier e-mail(s) sent on retry"
    )


def test_a_reminder_is_sent_once(held, plan):
    remind(plan["run"])
    remind(plan["run"])
    remind(plan["run"] + timedelta(days=1))
    assert reminders().count() == 2  # one to each nominee


def test_a_missed_deadline_is_told_the_day_after_to_the_nominees_and_board_managers(held, plan):
    remind(plan["due"])
    assert not missed().exists()
    remind(plan["due"] + timedelta(days=1))
    assert {n.user for n in missed()} == {plan["author"], plan["senior"], held.manager}
    assert "deadline missed: Northshire Police was to compile its chronology" in missed().first().subject
    remind(plan["due"] + timedelta(days=2))
    assert missed().count() == 3


def test_a_met_records_deadline_is_not_reminded_but_an_unmet_one_is(held, plan):
    held.asked(held.health, **held.involvement().deadlines() | {"records_secured_due_on": plan["due"]})
    remind(plan["run"])
    records_notices = reminders(key__startswith="involvement-").filter(key__contains="records_secured")
    assert records_notices.exists()
    assert all("Northshire NHS Trust" in n.subject for n in records_notices)
    assert not Notification.objects.filter(key__contains="records_secured", subject__contains="Northshire Police")


def test_a_moved_deadline_is_reminded_of_again(held, plan):
    remind(plan["run"])
    later = plan["due"] + timedelta(days=7)
    held.set_deadlines(**held.involvement().deadlines() | {"chronology_due_on": later})
    remind(later - timedelta(days=1))
    assert reminders(user=plan["author"]).count() == 2


def test_withdrawn_agencies_and_agencies_not_asked_are_not_reminded(held, plan):
    held.ready(held.health, **held.involvement().deadlines())
    involvement_withdraw(actor=held.manager, involvement=held.involvement(), reason="Not involved after all")
    remind(plan["due"] + timedelta(days=1))
    assert not Notification.objects.filter(key__contains="-reminder").exists()
    assert not Notification.objects.filter(key__contains="-missed").exists()


def test_unsent_emails_are_retried(held, mailoutbox):
    user = UserFactory(email="waiting@example.org")
    notify(users=[user], subject="SCR-1: something", body="Body")  # its e-mail never went (no commit here)
    output = remind(today())
    assert [m.to for m in mailoutbox] == [["waiting@example.org"]]
    assert Notification.objects.get(user=user).emailed_at is not None
    assert "1 earlier e-mail(s) sent on retry" in output


@pytest.mark.parametrize("bad", ["2026-02-30", "tomorrow", "04/03/2026", ""])
def test_a_bad_date_stops_the_command_with_a_clear_message(db, bad):
    with pytest.raises(CommandError, match="--date must be a date written YYYY-MM-DD"):
        remind(bad)


def test_a_long_agency_name_is_cut_to_fit_the_subject(held, plan):
    held.police.name = "Northshire Police " + "and partners " * 14
    held.police.save()
    remind(plan["run"])
    subject = reminders().first().subject
    assert len(subject) == 200 and subject.endswith("…")
