"""The independence check run again over a review with many listed workers and register entries, beside the
ceiling of reading the same rows once.

Run with `make bench`. Uses a throwaway SQLite database (or DATABASE_URL if set) and prints medians.
"""

import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casereview.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["CASEREVIEW_VAR_DIR"] = tempfile.mkdtemp(prefix="casereview-bench-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

WORKERS = int(os.environ.get("BENCH_WORKERS", "300"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "60"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def timed(work) -> tuple[float, int]:
    work()  # warm caches
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(samples) * 1000, peak


def main() -> int:
    from casereview.accounts.models import User
    from casereview.interviews.models import InvolvedWorker
    from casereview.panel.selectors import active_appointments
    from casereview.panel.services import independence_recheck
    from casereview.reviews.models import Person, Review

    call_command("migrate", verbosity=0)
    call_command("demo", "--if-empty", verbosity=0, stdout=io.StringIO())
    review = Review.objects.get(reference__endswith="-001", subject_pseudonym="Child A")
    manager = User.objects.get(email="manager@northbridge.example")
    agency = review.involvements.first().agency
    listed = InvolvedWorker.objects.filter(review=review).count()
    InvolvedWorker.objects.bulk_create(
        InvolvedWorker(
            review=review,
            agency=agency,
            full_name=f"Worker {i} Example",
            email=f"worker{i}@agency.example",
            kind="practitioner",
            line_manager_name=f"Manager {i % 20} Example",
            added_by=manager,
        )
        for i in range(listed, WORKERS)
    )
    Person.objects.bulk_create(
        Person(review=review, full_name=f"Relative {i} Example", relationship="other_relative", pseudonym=f"R{i}")
        for i in range(review.people.count(), PEOPLE)
    )
    appointees = active_appointments(review).count()

    def read_once():
        list(InvolvedWorker.objects.filter(review=review).values_list("full_name", "email", "line_manager_name"))
        list(Person.objects.filter(review=review).values_list("full_name", "aliases"))

    rows = [
        ("read workers and register once (ceiling)", read_once),
        (f"recheck {appointees} appointees", lambda: independence_recheck(review=review)),
    ]
    print(f"{WORKERS} workers listed, {PEOPLE} people on the register")
    print(f"{'work':<44} {'median ms':>10} {'peak KiB':>10}   ({ROUNDS} rounds)")
    for label, work in rows:
        median, peak = timed(work)
        print(f"{label:<44} {median:>10.2f} {peak / 1024:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
