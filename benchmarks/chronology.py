"""Chronologies at scale: a review with 20 agencies × 5,000 entries; imports, the integrated page, the marks and
the export, each beside a baseline measured in the same run and the issue's target.

Run with `make bench`. Uses a throwaway SQLite database (or DATABASE_URL if set) and prints medians and peak memory
(tracemalloc, in one more run). Smaller runs: BENCH_AGENCIES, BENCH_ENTRIES (per agency), BENCH_XLSX_ROWS,
BENCH_CSV_ROWS, BENCH_ROUNDS (heavy figures), BENCH_PAGE_ROUNDS, BENCH_MEMORY=0 (no memory runs).
"""

import csv
import io
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casereview.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
if "DATABASE_URL" not in os.environ:
    os.environ["CASEREVIEW_VAR_DIR"] = tempfile.mkdtemp(prefix="casereview-bench-")

import django  # noqa: E402

django.setup()
logging.disable(logging.INFO)  # sign-in messages from django-axes

from django.core.cache import cache  # noqa: E402
from django.core.cache.backends.base import CacheKeyWarning  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import NoReverseMatch, include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from casereview.chronology import merge  # noqa: E402
from casereview.chronology.dates import MONTH_NAMES, format_time, parse_uk_date  # noqa: E402

AGENCIES = int(os.environ.get("BENCH_AGENCIES", "20"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "5000"))  # per agency
XLSX_ROWS = int(os.environ.get("BENCH_XLSX_ROWS", "10000"))
CSV_ROWS = int(os.environ.get("BENCH_CSV_ROWS", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PAGE_ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", "20"))
MEMORY = os.environ.get("BENCH_MEMORY", "1") != "0"
SMALL_SHARE = 10  # the page is first measured with a tenth of the entries, to show its queries do not grow

FIRST_DAY = date(2015, 1, 1)
SPAN_DAYS = 6 * 365


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bare/", bare), path("", include("casereview.urls"))]


# -- Output ------------------------------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def line(what: str, figure: str = "", peak: str = "", baseline: str = "", target: str = "") -> None:
    print(f"{what:<52} {figure:>11} {peak:>9}  {baseline:<44} {target}", flush=True)


def not_measured(what: str, why: str) -> None:
    print(f"{what:<52} not measured: {why}", flush=True)


@dataclass
class Figure:
    median: float
    peak: int | None
    result: object

    @property
    def peak_text(self) -> str:
        return "" if self.peak is None else f"{self.peak / 2**20:.0f} MiB"


def measure(run: Callable[[object], object], rounds: int = ROUNDS, prepare: Callable[[], object] = lambda: None):
    """The median time of `run(prepare())` over `rounds`, and its peak memory in one more run."""
    samples, result = [], None
    for _ in range(rounds):
        argument = prepare()
        start = time.perf_counter()
        result = run(argument)
        samples.append(time.perf_counter() - start)
    peak = None
    if MEMORY:
        argument = prepare()
        tracemalloc.start()
        run(argument)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return Figure(statistics.median(samples), peak, result)


FULL_SIZE = (AGENCIES, ENTRIES, XLSX_ROWS, CSV_ROWS) == (20, 5000, 10_000, 100_000)


def verdict(ok: bool) -> str:
    """Whether a target is met; the targets are for the issue's sizes, so a smaller run only shows the figures."""
    if not FULL_SIZE:
        return "(target for the full size)"
    return "met" if ok else "NOT MET"


# -- Realistic entries -------------------------------------------------------------------------------------------

ROLES = [
    "Health visitor", "Midwife", "GP", "School nurse", "Social worker", "Team manager", "Police constable",
    "Detective sergeant", "Probation officer", "Housing officer", "Family support worker", "Teacher",
    "Designated safeguarding lead", "Paediatrician", "A&E nurse", "Substance misuse worker", "Mental health nurse",
    "Early help worker", "Youth worker", "Independent domestic violence adviser",
]  # fmt: skip
PLACES = ["the family home", "the surgery", "school", "the police station", "the hospital", "the children's centre",
          "the housing office", "grandmother's address", "the contact centre", "the nursery"]  # fmt: skip
TOPICS = ["safe sleeping", "feeding", "home conditions", "school attendance", "alcohol use", "domestic abuse",
          "supervision of the children", "the baby's weight", "rent arrears", "medication", "bruising", "hygiene",
          "missed appointments", "the father's contact", "housing repairs", "nursery place"]  # fmt: skip
SERVICES = ["children's social care", "early help", "the paediatrician", "CAMHS", "the housing team",
            "the domestic abuse service", "the substance misuse service", "the GP", "the school nurse"]  # fmt: skip
_DETAIL_WORDS = """
anxious tired tearful angry calm chaotic cluttered cold damp unkempt clean tidy crying quiet withdrawn smiling
shouting bruise rash cough fever thin underweight weighed measured immunisations overdue arrears eviction letter
partner boyfriend uncle neighbour friend anonymous caller concern worry disclosure allegation minimised denied
explained accident fell stairs cot pram bottle nappy formula breastfeeding sleeping awake asleep dog smell smoke
cannabis empty cans bottles mattress floor heating electricity meter food cupboard fridge toys books uniform
attendance late absent excluded detention holiday move address temporary hostel refuge injunction bail curfew
court hearing order plan review meeting minutes strategy section assessment threshold consent refused agreed
"""
DETAILS = _DETAIL_WORDS.split()
TEMPLATES = [
    ("Home visit by the {role} to {who} at {place}", ["Advice given on {topic}", "Follow-up visit booked"],
     ["{who} seen", "{who} not seen; no answer at the door", "{who} seen and spoken to alone"]),
    ("{who} attended {place} with mother about {topic}", ["Examined by the {role}", "Booked for review"],
     ["Seen and examined", "Did not wait to be seen"]),
    ("Telephone call from the {role} about {topic}", ["Information shared with {service}", "Recorded, no action"],
     ["Information shared", "No further action"]),
    ("Referral received from the {role} about {topic}", ["Referral to {service}", "Screened by the duty team"],
     ["Accepted for assessment", "Not accepted: below threshold"]),
    ("Police called to {place} after a report of shouting", ["Officers attended, {who} spoken to"],
     ["No arrests; DASH risk assessment completed", "Partner arrested"]),
    ("Strategy discussion about {who} with {service}", ["Section 47 enquiry agreed", "Single agency plan agreed"],
     ["Child protection enquiry started", "No further action agreed"]),
    ("School reported {who} absent, no explanation given", ["Phone call to mother", "Home visit by the {role}"],
     ["Mother gave an explanation", "No contact made"]),
    ("Missed appointment with the {role} about {topic}", ["Letter sent offering a new appointment"],
     ["Appointment rebooked", "No reply received"]),
    ("Core group meeting about {who}", ["Plan reviewed, actions on {topic}"],
     ["Plan updated", "Mother did not attend"]),
    ("Child protection conference about {who}", ["Plan agreed under the category of neglect"],
     ["Child protection plan made", "No plan: child in need"]),
    ("Antenatal appointment with the {role}", ["Booking bloods taken, {topic} discussed"],
     ["Mother attended", "Mother did not attend"]),
    ("Supervision: the {role}'s case discussed with the manager", ["Actions agreed on {topic}"],
     ["Actions recorded", "No actions recorded"]),
    ("{who} disclosed to the {role} that {topic} was a worry", ["Discussed with the safeguarding lead"],
     ["Referral made to {service}", "Not referred"]),
    ("Housing officer inspected {place} about {topic}", ["Repairs ordered", "Warning letter sent"],
     ["Repairs done", "No access to the property"]),
    ("Probation supervision appointment for the father", ["Risk discussed, {topic} raised"],
     ["Attended", "Failed to attend; warning issued"]),
]  # fmt: skip
SIGNIFICANCE = ["routine"] * 85 + ["significant"] * 12 + ["key"] * 3
SIGNIFICANCE_WORDS = {"routine": "Routine", "significant": "Significant", "key": "Key practice episode"}


class EntryMaker:
    """Plausible chronology entries: each agency with its own kinds of event, over six years, and about 3% told
    again by another agency (a possible duplicate, some with the outcome or the time told differently). 100,000
    entries over six years is about 46 a day, denser than a real review: many routine events of one kind fall on
    the same day, so the marks are many and the engine is stressed more than it would be."""

    def __init__(self, rng: random.Random, people: list[tuple[int, str]]):
        self.rng = rng
        self.people = people
        self.sequences: dict[tuple[int, date], int] = {}
        self.recent: list[dict] = []

    def _fill(self, text: str, who: str) -> str:
        rng = self.rng
        return text.format(
            role=rng.choice(ROLES).lower(),
            who=who,
            place=rng.choice(PLACES),
            topic=rng.choice(TOPICS),
            service=rng.choice(SERVICES),
        )

    def _date(self) -> dict:
        rng = self.rng
        day = FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))
        roll = rng.random()
        if roll < 0.70:
            return {"occurred_on": day, "precision": "day", "occurred_at": None}
        if roll < 0.90:
            at = clock(rng.randrange(7, 22), rng.choice((0, 15, 30, 45)))
            return {"occurred_on": day, "precision": "datetime", "occurred_at": at}
        if roll < 0.97:
            return {"occurred_on": day, "precision": "approximate", "occurred_at": None}
        return {"occurred_on": day.replace(day=1), "precision": "month", "occurred_at": None}

    def entry(self, agency: int) -> dict:
        rng = self.rng
        if self.recent and rng.random() < 0.03:
            values = self._told_again(agency, rng.choice(self.recent))
        else:
            chosen = rng.sample(self.people, k=rng.choice((1, 1, 2, 2, 3)))
            who = chosen[0][1]
            what, actions, outcomes = TEMPLATES[(agency * 7 + rng.randrange(5)) % len(TEMPLATES)]
            detail = " ".join(rng.sample(DETAILS, k=rng.randrange(4, 9)))
            values = self._date() | {
                "people": [pk for pk, _name in chosen],
                "pseudonyms": [name for _pk, name in chosen],
                "what_happened": f"{self._fill(what, who)}; {detail}",
                "action": self._fill(rng.choice(actions), who),
                "outcome": self._fill(rng.choice(outcomes), who),
            }
        key = (agency, values["occurred_on"])
        self.sequences[key] = self.sequences.get(key, 0) + 1
        values |= {
            "sequence": self.sequences[key],
            "practitioners": rng.choice(ROLES),
            "significance": rng.choice(SIGNIFICANCE),
            "analysis": "" if rng.random() < 0.7 else f"Shows {rng.choice(TOPICS)} was not followed up",
            "source_reference": ""
            if rng.random() < 0.05
            else f"Case file {rng.randrange(1, 40)}, p.{rng.randrange(1, 400)}",  # fmt: skip
        }
        values["date_text"] = written(values, rng)
        if len(self.recent) < 2000:
            self.recent.append(values)
        else:
            self.recent[rng.randrange(2000)] = values
        return values

    def _told_again(self, agency: int, told: dict) -> dict:
        rng = self.rng
        words = told["what_happened"].split()
        words.pop(rng.randrange(len(words)))
        values = dict(told) | {"what_happened": "Joint " + " ".join(words).lower()}
        roll = rng.random()
        if roll < 0.2 and told["occurred_at"] is not None:
            shifted = (told["occurred_at"].hour + 3) % 24
            values["occurred_at"] = told["occurred_at"].replace(hour=shifted)
        elif roll < 0.4:
            values["outcome"] = f"{told['pseudonyms'][0]} not seen" if " seen" in told["outcome"] else "Not attended"
        return values


def written(values: dict, rng: random.Random) -> str:
    """The date as an agency might write it."""
    day: date = values["occurred_on"]
    month = MONTH_NAMES[day.month - 1]
    if values["precision"] == "month":
        return rng.choice((f"{month} {day.year}", f"{month[:3]} {day.year}"))
    if values["precision"] == "approximate":
        return rng.choice((f"?{day.day} {month} {day.year}", f"c. {day:%d/%m/%Y}"))
    text = rng.choice((f"{day:%d/%m/%Y}", f"{day.day}-{month[:3]}-{day:%y}", f"{day.day} {month} {day.year}"))
    if values["occurred_at"] is not None:
        text += f" {values['occurred_at']:%H:%M}"
    return text


# -- Seeding -----------------------------------------------------------------------------------------------------


@dataclass
class World:
    review: object
    reviewer: object
    manager: object
    agencies: list
    versions: list
    people: list[tuple[int, str]]


def bench_world() -> World:
    from casereview.accounts.models import Agency, AgencyKind, Board, Role, User
    from casereview.accounts.services import membership_grant
    from casereview.chronology.models import ChronologyVersion
    from casereview.reviews.models import Person, Review

    board = Board.objects.get(short_name="NSCB")
    manager = User.objects.get(email="manager@northbridge.example")
    reviewer = User.objects.get(email="reviewer@northbridge.example")
    review = Review.objects.filter(memberships__user=reviewer, memberships__role=Role.LEAD_REVIEWER).first()
    if review is None:
        review = Review.objects.filter(board=board, decision__outcome="hold").order_by("pk").first()
        membership_grant(actor=None, user=reviewer, role=Role.LEAD_REVIEWER, board=board, review=review)
    existing = list(Agency.objects.filter(board=board).order_by("name"))
    Agency.objects.bulk_create(
        [
            Agency(board=board, name=f"Bench agency {n:02d}", kind=AgencyKind.OTHER)
            for n in range(len(existing), AGENCIES)
        ]
    )
    agencies = list(Agency.objects.filter(board=board).order_by("name"))[:AGENCIES]
    have = Person.objects.filter(review=review).count()
    Person.objects.bulk_create(
        [
            Person(review=review, full_name=f"Bench Person {n}", relationship="other_adult", pseudonym=f"Adult {n}")
            for n in range(have + 1, 9)
        ]
    )
    people = list(Person.objects.filter(review=review).order_by("pk").values_list("pk", "pseudonym"))
    now = timezone.now()
    versions = []
    for agency in agencies:
        number = (
            ChronologyVersion.objects.filter(review=review, agency=agency)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
            or 0
        )
        ChronologyVersion.objects.filter(review=review, agency=agency, submitted_at__isnull=True).update(
            submitted_at=now, submitted_by=reviewer
        )
        versions.append(
            ChronologyVersion.objects.create(
                review=review,
                agency=agency,
                number=number + 1,
                created_by=manager,
                submitted_by=manager,
                submitted_at=now,
            )
        )
    return World(review, reviewer, manager, agencies, versions, people)


def seed_entries(world: World, maker: EntryMaker, per_agency: int) -> int:
    """Add `per_agency` entries to each agency's submitted version, in bulk, and mark the versions newly submitted
    (the integrated chronology's cached marks are keyed by submission)."""
    from casereview.chronology.models import ChronologyEntry

    through = ChronologyEntry.people.through
    added = 0
    for index, version in enumerate(world.versions):
        made = [maker.entry(index) for _ in range(per_agency)]
        with transaction.atomic():
            entries = ChronologyEntry.objects.bulk_create(
                [
                    ChronologyEntry(
                        version=version,
                        key=uuid.uuid4(),
                        occurred_on=values["occurred_on"],
                        occurred_at=values["occurred_at"],
                        precision=values["precision"],
                        date_text=values["date_text"],
                        sequence=values["sequence"],
                        source_kind="other" if values["source_reference"] else "",
                        source_reference=values["source_reference"],
                        practitioners=values["practitioners"],
                        what_happened=values["what_happened"],
                        action=values["action"],
                        outcome=values["outcome"],
                        significance=values["significance"],
                        analysis=values["analysis"],
                    )
                    for values in made
                ],
                batch_size=2000,
            )
            through.objects.bulk_create(
                [
                    through(chronologyentry_id=entry.pk, person_id=person)
                    for entry, values in zip(entries, made, strict=True)
                    for person in values["people"]
                ],
                batch_size=5000,
            )
        added += len(entries)
    resubmit(world)
    cache.clear()
    return added


# -- Files to import ---------------------------------------------------------------------------------------------

HEADINGS = [
    "Date", "Time", "Sequence", "Source reference", "Practitioner or role", "What happened", "Action or decision",
    "Outcome", "Significance", "Analysis", "People",
]  # fmt: skip


def file_rows(maker: EntryMaker, count: int) -> list[list]:
    rows = []
    for _ in range(count):
        values = maker.entry(99)
        date_text = values["date_text"]
        at = values["occurred_at"]
        if at is not None:
            date_text = date_text.rsplit(" ", 1)[0]
        rows.append(
            [
                date_text,
                format_time(at) if at is not None and maker.rng.random() < 0.5 else (f"{at:%H:%M}" if at else ""),
                values["sequence"],
                values["source_reference"] or "Interview with the team manager",
                values["practitioners"],
                values["what_happened"],
                values["action"],
                values["outcome"],
                SIGNIFICANCE_WORDS[values["significance"]],
                values["analysis"],
                "; ".join(values["pseudonyms"]),
            ]
        )
    return rows


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Chronology")
    sheet.append(HEADINGS)
    for row in rows:
        parsed = parse_uk_date(row[0])
        if parsed.precision == "day" and random.random() < 0.3:
            row = [datetime.combine(parsed.occurred_on, clock()), *row[1:]]  # a real date cell, as Excel keeps it
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# -- The measurements --------------------------------------------------------------------------------------------


class ImportAgencies:
    """A new agency, with the benchmark's IMR author, for each import: every import starts from an empty draft."""

    def __init__(self, world: World):
        from casereview.accounts.models import User

        self.world = world
        self.count = 0
        email = "bench.importer@northbridge.example"
        self.author = User.objects.filter(email=email).first() or User.objects.create_user(
            email, None, full_name="Bench Importer"
        )
        self.run = uuid.uuid4().hex[:6]  # agency names stay unique when DATABASE_URL keeps an earlier run

    def __call__(self):
        from casereview.accounts.models import Agency, AgencyKind, Role
        from casereview.accounts.services import membership_grant

        self.count += 1
        review = self.world.review
        agency = Agency.objects.create(
            board=review.board, name=f"Import agency {self.run} {self.count:03d}", kind=AgencyKind.OTHER
        )
        membership_grant(
            actor=None, user=self.author, role=Role.IMR_AUTHOR, board=review.board, review=review, agency=agency
        )
        return agency


def bench_imports(world: World, maker: EntryMaker) -> None:
    try:
        from casereview.chronology.imports import import_file
    except ImportError as error:
        not_measured("XLSX import", f"casereview.chronology.imports.import_file is missing ({error})")
        not_measured("CSV import", "as above")
        return
    from openpyxl import load_workbook

    new_agency = ImportAgencies(world)

    def run_import(data: bytes, name: str) -> Callable[[object], object]:
        def run(agency):
            imported = import_file(
                actor=new_agency.author, review=world.review, agency=agency, file=io.BytesIO(data), name=name
            )
            assert imported.entries_added == expected, (imported.entries_added, expected)
            return imported

        return run

    data = xlsx_bytes(file_rows(maker, XLSX_ROWS))
    expected = XLSX_ROWS

    def openpyxl_alone(_):
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        return count

    baseline = measure(openpyxl_alone)
    try:
        figure = measure(run_import(data, "bench.xlsx"), prepare=new_agency)
    except Exception as error:  # noqa: BLE001  # report what failed, carry on with the other figures
        not_measured(f"XLSX import, {XLSX_ROWS:,} rows", f"{type(error).__name__}: {error}"[:300])
    else:
        share = baseline.median / figure.median
        line(
            f"XLSX import, {XLSX_ROWS:,} rows ({len(data) / 2**20:.1f} MiB)",
            seconds(figure.median),
            figure.peak_text,
            f"openpyxl read-only alone: {seconds(baseline.median)} ({baseline.peak_text})",
            f"≤ 5 s and ≥ 40% of openpyxl's rate: {share:.0%}, {verdict(figure.median <= 5 and share >= 0.4)}",
        )

    data = csv_bytes(file_rows(maker, CSV_ROWS))
    expected = CSV_ROWS

    def csv_alone(_):
        return sum(1 for _row in csv.reader(io.StringIO(data.decode("utf-8"))))

    baseline = measure(csv_alone)
    try:
        figure = measure(run_import(data, "bench.csv"), prepare=new_agency)
    except Exception as error:  # noqa: BLE001
        not_measured(f"CSV import, {CSV_ROWS:,} rows", f"{type(error).__name__}: {error}"[:300])
    else:
        line(
            f"CSV import, {CSV_ROWS:,} rows ({len(data) / 2**20:.1f} MiB)",
            seconds(figure.median),
            figure.peak_text,
            f"Python's csv module alone: {seconds(baseline.median)}",
            f"≤ 10 s: {verdict(figure.median <= 10)}",
        )


def signed_in(user) -> Client:
    """A client past the two-factor step, as django_otp.login leaves a session after a right code."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Benchmark", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def page_figures(client: Client, url: str) -> tuple[float, int, int]:
    """Median server time, peak memory and the number of queries of one page."""
    response = client.get(url)  # warm caches
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(PAGE_ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    tracemalloc.start()
    client.get(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(samples), peak, queries


def integrated_urls(world: World) -> list[tuple[str, str]]:
    base = reverse("chronology:integrated", kwargs={"pk": world.review.pk})
    agencies = "&".join(f"agency={agency.pk}" for agency in world.agencies[:5])
    person = world.people[0][0]
    return [
        ("no filters", base),
        (
            "filtered",
            f"{base}?{agencies}&person={person}&significance=significant&significance=key"
            f"&date_from=1/1/2017&date_to=31/12/2018&gap_days=14",
        ),
    ]


def resubmit(world: World) -> None:
    """Mark the versions submitted now, as a new submission does: the cached marks no longer apply."""
    from casereview.chronology.models import ChronologyVersion

    now = timezone.now()
    ChronologyVersion.objects.filter(pk__in=[v.pk for v in world.versions]).update(submitted_at=now)
    for version in world.versions:
        version.submitted_at = now


def warm_marks(world: World) -> float:
    from casereview.chronology.integrated import integrated_marks_warm

    start = time.perf_counter()
    integrated_marks_warm(world.review)
    return time.perf_counter() - start


def bench_page(world: World, total: int, client: Client) -> dict[str, tuple[float, int, int]]:
    """The integrated page's figures, with the marks already cached (as after a submission)."""
    try:
        urls = integrated_urls(world)
        warm_marks(world)
    except (NoReverseMatch, ImportError) as error:
        not_measured(f"integrated page, {total:,} entries", f"the page is not there yet ({error})")
        return {}
    found = {}
    with override_settings(ROOT_URLCONF=__name__):
        bare_median, _peak, _queries = page_figures(client, "/bare/")
        for label, url in urls:
            try:
                median, peak, queries = page_figures(client, url)
            except Exception as error:  # noqa: BLE001
                not_measured(f"integrated {label}", f"{type(error).__name__}: {error}"[:300])
                continue
            found[label] = (median, peak, queries)
            line(
                f"integrated page 1, {label}, {total:,} entries",
                seconds(median),
                f"{peak / 2**20:.0f} MiB",
                f"bare Django view: {seconds(bare_median)}; {queries} queries",
                f"≤ 200 ms: {verdict(median <= 0.2)}",
            )
    return found


def bench_marks(world: World, total: int) -> None:
    from casereview.chronology.models import ChronologyVersion

    versions = list(ChronologyVersion.objects.filter(pk__in=[v.pk for v in world.versions]).select_related("agency"))
    try:
        from casereview.chronology.integrated import compute_marks, merge_items
    except ImportError:
        compute_marks = merge_items = None
    if merge_items is not None:
        loaded = measure(lambda _: merge_items(versions))
        items = loaded.result
        line(
            f"load {len(items):,} entries as merge items",
            seconds(loaded.median),
            loaded.peak_text,
            "(integrated.merge_items: two queries)",
        )
    else:
        not_measured("load entries as merge items", "integrated.merge_items is missing")
        return
    ordered = measure(lambda _: merge.merge_order(items))
    line(f"merge order of {len(items):,} entries", seconds(ordered.median), ordered.peak_text, "(baseline for marks)")
    one_pass = measure(lambda _: merge.duplicates_and_contradictions(items))
    duplicates, contradictions = one_pass.result
    line(
        f"duplicates and contradictions, {len(items):,} entries",
        seconds(one_pass.median),
        one_pass.peak_text,
        f"merge order: {seconds(ordered.median)}; found {len(duplicates):,} and {len(contradictions):,}",
        f"≤ 30 s: {verdict(one_pass.median <= 30)}",
    )
    gaps = measure(lambda _: merge.gaps(items, 14))
    line(
        f"gaps of 14 days or more, {len(items):,} entries",
        seconds(gaps.median),
        gaps.peak_text,
        f"found {len(gaps.result):,}",
    )
    if compute_marks is not None:
        marked = measure(lambda _: compute_marks(versions), rounds=1)
        line(
            "all marks through integrated.compute_marks",
            seconds(marked.median),
            marked.peak_text,
            "(loads the entries, then marks them)",
            f"≤ 30 s: {verdict(marked.median <= 30)}",
        )


def bench_export(world: World, total: int) -> None:
    try:
        from casereview.chronology.integrated import IntegratedFilters, integrated_export_rows
        from casereview.chronology.services import integrated_export
    except ImportError as error:
        not_measured(f"XLSX export, {total:,} entries", f"the export is not there yet ({error})")
        return
    from openpyxl import Workbook

    warm_marks(world)
    rows = list(integrated_export_rows(world.reviewer, world.review, IntegratedFilters()))
    try:
        from casereview.chronology.exports import INTEGRATED_XLSX

        keys = [column.key for column in INTEGRATED_XLSX]
    except ImportError:
        keys = ["occurred_on", "date_text", "agency", "people", "what_happened", "action", "outcome"]

    def openpyxl_alone(_):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Chronology")
        for row in rows:
            sheet.append([row.get(key) for key in keys])
        out = io.BytesIO()
        workbook.save(out)
        return out.tell()

    baseline = measure(openpyxl_alone, rounds=1)
    try:
        figure = measure(
            lambda _: integrated_export(
                actor=world.reviewer, review=world.review, filters=IntegratedFilters(), fmt="xlsx"
            )
        )
    except Exception as error:  # noqa: BLE001
        not_measured(f"XLSX export, {total:,} entries", f"{type(error).__name__}: {error}"[:300])
        return
    exported = figure.result
    line(
        f"XLSX export, {exported.count:,} entries",
        seconds(figure.median),
        figure.peak_text,
        f"openpyxl write-only, same rows, no styles: {seconds(baseline.median)}",
        f"≤ 20 s: {verdict(figure.median <= 20)}",
    )


def main() -> int:
    warnings.filterwarnings("ignore", category=CacheKeyWarning)  # the marks' key is long; the local cache takes it
    call_command("migrate", verbosity=0)
    call_command("demo", "--if-empty", verbosity=0, stdout=io.StringIO())
    rng = random.Random(20210331)
    world = bench_world()
    maker = EntryMaker(rng, world.people)
    print(f"{'what':<52} {'median':>11} {'peak':>9}  {'baseline in this run':<44} target", flush=True)
    print(f"({ROUNDS} rounds, the integrated page {PAGE_ROUNDS}; peak memory by tracemalloc in one more run)")
    print("(the integrated page filtered: 5 agencies, a person, significant and key episodes, 2017 to 2018)")

    small = max(1, ENTRIES // SMALL_SHARE)
    seed_entries(world, maker, small)
    client = signed_in(world.reviewer)
    few = bench_page(world, small * AGENCIES, client)

    start = time.perf_counter()
    added = seed_entries(world, maker, ENTRIES - small)
    total = small * AGENCIES + added
    line(f"seed {AGENCIES} agencies × {ENTRIES:,} entries (bulk_create)", seconds(time.perf_counter() - start))

    bench_marks(world, total)
    try:
        cold = measure(lambda _: warm_marks(world), rounds=1, prepare=lambda: resubmit(world))
        line(
            "marks computed and cached after a submission",
            seconds(cold.median),
            cold.peak_text,
            "(integrated_marks_warm)",
        )
    except ImportError as error:
        not_measured("marks cached after a submission", str(error))
    many = bench_page(world, total, client)
    for label, (_median, _peak, queries) in many.items():
        if label in few:
            print(
                f"  queries, integrated page 1, {label}: {few[label][2]} at {small * AGENCIES:,} entries, "
                f"{queries} at {total:,}: "
                f"{'does not grow' if queries <= few[label][2] else 'GROWS'}"
            )
    bench_export(world, total)
    bench_imports(world, maker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
