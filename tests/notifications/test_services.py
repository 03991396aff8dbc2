"""Notifications: made once per key, e-mailed only after the change commits, retried when the mail server fails,
never to inactive users, with absolute links; and marked read by their own user only."""

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from casereview.core.errors import NotAllowed
from casereview.notifications.models import Notification
from casereview.notifications.services import (
    notification_read,
    notifications_email_unsent,
    notifications_read_all,
    notify,
)
from tests.factories import UserFactory


def tell(users, **overrides):
    values = {"subject": "SCR-2026-001: agency asked", "body": "Please review your involvement.", "link": ""}
    return notify(users=users, **(values | overrides))


def test_notify_makes_one_notification_per_user_and_emails_after_commit(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    alice, bob = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = tell([alice, bob, alice, None])
        assert mailoutbox == [], "nothing is e-mailed before the transaction commits"
    assert {n.user for n in made} == {alice, bob}
    assert len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([alice.email, bob.email])
    assert all(n.emailed_at is not None for n in Notification.objects.all())


def test_nothing_is_emailed_when_the_change_is_rolled_back(db, mailoutbox, django_capture_on_commit_callbacks):
    alice = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        tell([alice])
        transaction.set_rollback(True)
    assert callbacks == [] and mailoutbox == []
    assert not Notification.objects.exists()


def test_a_key_tells_each_user_once(db, mailoutbox, django_capture_on_commit_callbacks):
    alice, bob = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert len(tell([alice], key="reminder:1")) == 1
        assert tell([alice], key="reminder:1") == []
        assert [n.user for n in tell([alice, bob], key="reminder:1")] == [bob]
        assert len(tell([alice])) == 1, "without a key, every call tells"
    assert Notification.objects.filter(user=alice).count() == 2
    assert len(mailoutbox) == 3


def test_inactive_users_are_not_notified(db, mailoutbox, django_capture_on_commit_callbacks):
    gone = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert tell([gone]) == []
    assert not Notification.objects.exists() and mailoutbox == []


def test_links_are_made_absolute_with_the_base_url(db, mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.CASEREVIEW_BASE_URL = "https://casereview.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        tell([UserFactory()], link="/reviews/7/")
    assert "https://casereview.example.org/reviews/7/" in mailoutbox[0].body
    assert Notification.objects.get().link == "/reviews/7/", "the application keeps the path"


def test_a_failing_mail_server_leaves_it_unsent_and_the_retry_sends_it(
    db, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    alice = UserFactory()
    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            made = tell([alice])
    assert Notification.objects.get(pk=made[0].pk).emailed_at is None
    assert mailoutbox == []
    assert notifications_email_unsent() == 1
    assert [m.to for m in mailoutbox] == [[alice.email]]
    assert Notification.objects.get(pk=made[0].pk).emailed_at is not None
    assert notifications_email_unsent() == 0, "an e-mail goes once"


# -- Marking read ---------------------------------------------------------------------------------------------------


def test_a_user_marks_their_notification_read_once(db):
    alice = UserFactory()
    notification = tell([alice])[0]
    first = notification_read(actor=alice, notification=notification).read_at
    assert first is not None
    again = notification_read(actor=alice, notification=Notification.objects.get(pk=notification.pk))
    assert again.read_at == first
    assert Notification.objects.get(pk=notification.pk).read_at == first


def test_no_one_else_marks_a_notification_read(db):
    alice, bob = UserFactory(), UserFactory()
    notification = tell([alice])[0]
    with pytest.raises(NotAllowed):
        notification_read(actor=bob, notification=notification)
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_read_all_marks_only_the_actors_unread_notifications(db):
    alice, bob = UserFactory(), UserFactory()
    tell([alice, bob])
    tell([alice])
    assert notifications_read_all(actor=alice) == 2
    assert notifications_read_all(actor=alice) == 0
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    assert Notification.objects.get(user=bob).read_at is None
