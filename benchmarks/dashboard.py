"""Dashboard, workspace and set-up page response times with many reviews, beside a bare Django view in the same run.

Run with `make bench`. Uses a throwaway SQLite database (or DATABASE_URL if set) and prints medians.
"""

import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casereview.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["CASEREVIEW_VAR_DIR"] = tempfile.mkdtemp(prefix="casereview-bench-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

REVIEWS = int(os.environ.get("BENCH_REVIEWS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bare/", bare), path("", include("casereview.urls"))]


def timed(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm caches
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    tracemalloc.start()
    client.get(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(samples) * 1000, peak


def main() -> int:
    from casereview.accounts.models import Board, User
    from casereview.reviews.models import ReviewType
    from casereview.reviews.services import review_refer

    call_command("migrate", verbosity=0)
    call_command("demo", "--if-empty", verbosity=0, stdout=io.StringIO())
    manager = User.objects.get(email="manager@northbridge.example")
    board = Board.objects.get(short_name="NSCB")
    scr = ReviewType.objects.get(code="SCR")
    today = timezone.localdate()
    existing = board.reviews.count()
    for i in range(existing, REVIEWS):
        review_refer(
            actor=manager,
            board=board,
            review_type=scr,
            subject_pseudonym=f"Child {i}",
            referred_on=today - timedelta(days=i % 200),
            referred_by_name="Bench Referrer",
            circumstances="Benchmark referral.",
        )
    client = Client()
    client.force_login(manager)
    # Past the two-factor step, as django_otp.login leaves a session after a right code.
    device = TOTPDevice.objects.filter(user=manager, confirmed=True).first() or TOTPDevice.objects.create(
        user=manager, name="Benchmark", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    review = board.reviews.order_by("pk").first()
    with override_settings(ROOT_URLCONF=__name__):
        rows = [
            ("bare Django view (ceiling)", "/bare/"),
            (f"dashboard, {board.reviews.count()} reviews", "/"),
            ("review workspace", f"/reviews/{review.pk}/"),
            ("people register", f"/reviews/{review.pk}/people/"),
            ("panel and independence", f"/reviews/{review.pk}/panel/"),
            ("agencies involved", f"/reviews/{review.pk}/agencies/"),
            ("terms of reference", f"/reviews/{review.pk}/terms/"),
            (f"API: list {board.reviews.count()} reviews", "/api/reviews"),
        ]
        print(f"{'path':<40} {'median ms':>10} {'peak KiB':>10}   ({ROUNDS} rounds)")
        for label, url in rows:
            median, peak = timed(client, url)
            print(f"{label:<40} {median:>10.2f} {peak / 1024:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
