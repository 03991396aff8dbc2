"""Who may open which page and call which API operation: role × URL × expected answer.

The matrix is generated from the URL configuration and the OpenAPI schema, so a new page or operation
without a row here fails the suite. Not allowed looks exactly like not found (404); anonymous visitors
are sent to sign in (pages) or answered 401 (API).
"""

import re
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casereview.accounts.models import Role
from casereview.api import api
from casereview.audit.models import AuditEvent
from casereview.records.models import AgencyVault
from casereview.records.services import record_upload
from casereview.reviews.models import Review
from casereview.reviews.services import review_change_stage, review_decide
from casereview.reviews.stages import Stage
from tests.accounts import permission_rows as accounts_rows
from tests.chronology import permission_rows as chronology_rows
from tests.factories import UserFactory, today
from tests.interviews import permission_rows as interviews_rows
from tests.involvement import permission_rows as involvement_rows
from tests.notifications import permission_rows as notifications_rows
from tests.panel import permission_rows as panel_rows
from tests.planning import permission_rows as planning_rows
from tests.web import api_call, build_board_world, signed_in

# The columns of the tables below, in order.
ACTORS = (
    "board_manager",
    "board_chair",
    "board_member",
    "national_body",
    "panel_chair",
    "panel_member",
    "legal_adviser",
    "lead_reviewer",
    "imr_author",
    "senior_manager",
    "worker",
    "outsider",  # signed in, no memberships
    "anonymous",
)
ROLES = ACTORS[:-2]
assert set(ROLES) == set(Role.values), "a role was added or removed: add or remove its column"

# fmt: off
# GET of every page, by the actor on their own board's objects.
# Read with reviews/rules.py and accounts/rules.py: the review at referral stage, open (at the decision
# stage for the decision page, which only exists there).
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES = {
    "reviews:dashboard":                                  "200 200 200 200 200 200 200 200 200 200 200 200 302",
    "reviews:new":                                        "200 200 404 404 404 404 404 404 404 404 404 404 302",
    "reviews:review":                                     "200 200 200 404 200 200 200 200 200 200 200 404 302",
    "reviews:referral":                                   "200 200 404 404 404 404 404 404 404 404 404 404 302",
    "reviews:decision":                                   "404 200 404 404 404 404 404 404 404 404 404 404 302",
    "reviews:stage":                                      "200 200 404 404 404 404 404 404 404 404 404 404 302",
    "reviews:deadlines":                                  "200 200 404 404 404 404 404 404 404 404 404 404 302",
    "reviews:people":                                     "200 200 404 404 200 200 200 200 200 200 404 404 302",
    "reviews:person-new":                                 "200 404 404 404 200 404 404 200 404 404 404 404 302",
    "reviews:person":                                     "200 404 404 404 200 404 404 200 404 404 404 404 302",
    "reviews:person-remove":                              "200 404 404 404 200 404 404 200 404 404 404 404 302",
    "reviews:place-new":                                  "200 404 404 404 200 404 404 200 404 404 404 404 302",
    "reviews:place":                                      "200 404 404 404 200 404 404 200 404 404 404 404 302",
    "reviews:place-remove":                               "200 404 404 404 200 404 404 200 404 404 404 404 302",
    # The vault, with the review held (at set-up) and a file of the agency's: see prepare_vault.
    "records:vault":                                      "200 404 404 404 200 200 200 200 200 200 404 404 302",
    "records:agency":                                     "200 404 404 404 200 200 200 200 200 200 404 404 302",
    "records:secure":                                     "200 404 404 404 404 404 404 404 200 200 404 404 302",
    "records:upload":                                     "404 404 404 404 404 404 404 404 200 200 404 404 302",
    "records:download":                                   "200 404 404 404 200 200 200 200 200 200 404 404 302",
    "audit:trail":                                        "200 404 404 404 404 404 404 404 404 404 404 404 302",
    "audit:trail-csv":                                    "200 404 404 404 404 404 404 404 404 404 404 404 302",
    # Signed-in users are sent on to the dashboard; signing out is POST only.
    "accounts:sign-in":                                   "302 302 302 302 302 302 302 302 302 302 302 302 200",
    "accounts:sign-out":                                  "405 405 405 405 405 405 405 405 405 405 405 405 405",
    "accounts:sign-out-everywhere":                       "200 200 200 200 200 200 200 200 200 200 200 200 302",
    # The two-factor steps send a user who has done them (or needs none) on to the dashboard.
    "accounts:two-factor":                                "302 302 302 302 302 302 302 302 302 302 302 302 302",
    "accounts:two-factor-setup":                          "302 302 302 302 302 302 302 302 302 302 302 302 302",
    "accounts:agencies":                                  "200 200 200 200 200 200 200 200 200 200 200 200 302",
    "accounts:agency-new":                                "200 404 404 404 404 404 404 404 404 404 404 404 302",
    "accounts:agency":                                    "200 404 404 404 404 404 404 404 404 404 404 404 302",
}

# Every API operation, called with a valid body by the actor on their own board's objects.
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
API = {
    "GET /api/agencies":                                  "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "POST /api/agencies":                                 "201 404 404 404 404 404 404 404 404 404 404 404 401",
    "GET /api/agencies/{agency_id}":                      "200 200 200 200 200 200 200 200 200 200 200 404 401",
    "PUT /api/agencies/{agency_id}":                      "200 404 404 404 404 404 404 404 404 404 404 404 401",
    "GET /api/reviews":                                   "200 200 200 200 200 200 200 200 200 200 200 200 401",
    "POST /api/reviews":                                  "201 201 404 404 404 404 404 404 404 404 404 404 401",
    "GET /api/reviews/{review_id}":                       "200 200 200 404 200 200 200 200 200 200 200 404 401",
    "POST /api/reviews/{review_id}/stage":                "200 200 404 404 404 404 404 404 404 404 404 404 401",
    "POST /api/reviews/{review_id}/decision":             "404 200 404 404 404 404 404 404 404 404 404 404 401",
    "GET /api/reviews/{review_id}/people":                "200 200 404 404 200 200 200 200 200 200 404 404 401",
    "POST /api/reviews/{review_id}/people":               "201 404 404 404 201 404 404 201 404 404 404 404 401",
    "GET /api/reviews/{review_id}/people/{person_id}":    "200 200 404 404 200 200 200 200 200 200 404 404 401",
    "PUT /api/reviews/{review_id}/people/{person_id}":    "200 404 404 404 200 404 404 200 404 404 404 404 401",
    "DELETE /api/reviews/{review_id}/people/{person_id}": "204 404 404 404 204 404 404 204 404 404 404 404 401",
    "GET /api/reviews/{review_id}/places":                "200 200 404 404 200 200 200 200 200 200 404 404 401",
    "POST /api/reviews/{review_id}/places":               "201 404 404 404 201 404 404 201 404 404 404 404 401",
    "GET /api/reviews/{review_id}/places/{place_id}":     "200 200 404 404 200 200 200 200 200 200 404 404 401",
    "PUT /api/reviews/{review_id}/places/{place_id}":     "200 404 404 404 200 404 404 200 404 404 404 404 401",
    "DELETE /api/reviews/{review_id}/places/{place_id}":  "204 404 404 404 204 404 404 204 404 404 404 404 401",
    "GET /api/reviews/{review_id}/records":               "200 404 404 404 200 200 200 200 200 200 404 404 401",
    "POST /api/reviews/{review_id}/records/{agency_id}/files":
                                                          "404 404 404 404 404 404 404 404 201 201 404 404 401",
    "GET /api/reviews/{review_id}/records/files/{file_id}":
                                                          "200 404 404 404 200 200 200 200 200 200 404 404 401",
    "POST /api/reviews/{review_id}/records/{agency_id}/secured":
                                                          "201 404 404 404 404 404 404 404 201 201 404 404 401",
}
# fmt: on

# Each set-up app keeps its own rows beside its tests, in the same form: PAGES, API and POST_PAGES, with
# bodies(ids) giving a valid body per operation and prepare(operation, side) the state an entry needs
# (None when the entry is not the module's) and the ids of what it made.
ROW_MODULES = [
    accounts_rows,
    panel_rows,
    involvement_rows,
    planning_rows,
    interviews_rows,
    notifications_rows,
    chronology_rows,
]
for _module in ROW_MODULES:
    assert not set(_module.PAGES) & set(PAGES) and not set(_module.API) & set(API), f"{_module.__name__} repeats a row"
    PAGES |= _module.PAGES
    API |= _module.API

# Routes of the URL configuration that are not in the matrix, each for a reason.
SKIPPED_PREFIXES = ("admin/",)  # the Django admin: staff only, guarded by Django itself
API_OWN_ROUTES = {"api:openapi-json", "api:openapi-view", "api:api-root"}  # the API's schema and docs
API_PREFIX = "api/"


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}:{entry.name}" if namespace else entry.name


def url_routes() -> list[tuple[str, str]]:
    """(route, namespaced name) of every URL pattern, without the admin."""
    return [
        (route, name) for route, name in _walk(get_resolver().url_patterns) if not route.startswith(SKIPPED_PREFIXES)
    ]


def page_names() -> list[str]:
    return sorted({name for route, name in url_routes() if not route.startswith(API_PREFIX)})


def api_operations() -> list[str]:
    paths = api.get_openapi_schema()["paths"]
    return [f"{method.upper()} {path}" for path, operations in paths.items() for method in operations]


def route_params(name: str) -> set[str]:
    route = next(route for route, n in url_routes() if n == name)
    return set(re.findall(r"<(?:\w+:)?(\w+)>", route))


def page_url(name: str, ids: dict) -> str:
    """`pk` is the agency on the accounts pages and the review elsewhere; `<thing>_pk` is ids[thing]."""
    kwargs = {}
    for param in route_params(name):
        if param == "pk":
            kwargs["pk"] = ids["agency"] if name.startswith("accounts:") else ids["review"]
        else:
            kwargs[param] = ids.get(param.removesuffix("_pk"), 0)
    return reverse(name, kwargs=kwargs)


def api_path(operation: str, ids: dict) -> str:
    """`{thing_id}` in the path is ids[thing]."""
    _method, path = operation.split(" ", 1)
    return re.sub(r"\{(\w+)_id\}", lambda match: str(ids.get(match.group(1), 0)), path)


def api_body(operation: str, ids: dict):
    """A valid body for each operation that takes one."""
    bodies = {
        "POST /api/agencies": {"board_id": ids["board"], "name": "Northshire Ambulance Service", "kind": "nhs_trust"},
        "PUT /api/agencies/{agency_id}": {"name": "Renamed agency", "kind": "police"},
        "POST /api/reviews": {
            "board_id": ids["board"],
            "subject_pseudonym": "Child Z",
            "referred_on": (today() - timedelta(days=2)).isoformat(),
            "referred_by_name": "Rita Referrer",
            "circumstances": "A child was found alone at home.",
        },
        "POST /api/reviews/{review_id}/stage": {"to_stage": "decision"},
        "POST /api/reviews/{review_id}/decision": {
            "grounds": ["inter_agency_concerns"],
            "outcome": "hold",
            "rationale": "Agencies did not share what they knew.",
            "decided_on": today().isoformat(),
        },
        "POST /api/reviews/{review_id}/people": {
            "full_name": "Sam Example",
            "pseudonym": "Father",
            "relationship": "father",
        },
        "PUT /api/reviews/{review_id}/people/{person_id}": {
            "full_name": "Alex Changed",
            "pseudonym": "Child A",
            "relationship": "subject",
        },
        "POST /api/reviews/{review_id}/places": {
            "kind": "hospital",
            "name": "Northbridge General",
            "pseudonym": "Hospital 1",
        },
        "PUT /api/reviews/{review_id}/places/{place_id}": {
            "kind": "school",
            "name": "Renamed school",
            "pseudonym": "School 1",
        },
        "POST /api/reviews/{review_id}/records/{agency_id}/files": Multipart(
            file=SimpleUploadedFile("case file.pdf", PDF, "application/pdf"), title="Case file"
        ),
        "POST /api/reviews/{review_id}/records/{agency_id}/secured": {"secured_on": today().isoformat()},
    }
    for module in ROW_MODULES:
        bodies |= module.bodies(ids)
    return bodies.get(operation)


class Multipart(dict):
    """A body sent as multipart/form-data (a file upload), not as JSON."""


def call_api(client, method: str, path: str, body):
    if isinstance(body, Multipart):
        return client.post(path, data=dict(body))
    return api_call(client, method, path, body)


def prepare(operation: str, side) -> dict:
    """State an operation or page needs, and the ids of what it made: the decision is recorded (and its page
    shown) at the decision stage; the vault is used once the review is held."""
    if operation in {"POST /api/reviews/{review_id}/decision", "reviews:decision"}:
        review_change_stage(actor=side.users[Role.BOARD_MANAGER], review=side.review, to_stage=Stage.DECISION)
    if operation.startswith("records:") or "/records" in operation:
        return prepare_vault(side)
    for module in ROW_MODULES:
        made = module.prepare(operation, side)
        if made is not None:
            return made
    return {}


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def prepare_vault(side) -> dict:
    """The review held (decided, now at set-up) and one file uploaded by the agency's IMR author."""
    manager, chair = side.users[Role.BOARD_MANAGER], side.users[Role.BOARD_CHAIR]
    review = review_change_stage(actor=manager, review=Review.objects.get(pk=side.review.pk), to_stage=Stage.DECISION)
    review_decide(
        actor=chair,
        review=review,
        grounds=["inter_agency_concerns"],
        outcome="hold",
        rationale="Agencies did not share what they knew.",
        decided_on=today(),
    )
    vault = AgencyVault(Review.objects.get(pk=review.pk), side.agency)
    stored = record_upload(actor=side.users[Role.IMR_AUTHOR], vault=vault, file=ContentFile(PDF), name="file.pdf")
    return {"file": stored.pk}


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    """Files uploaded here go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Boards A and B, each with a user in every role, and a signed-in user with no memberships.

    Built once for the module inside a transaction that is rolled back at the end; each test runs in
    its own savepoint (pytest-django's `db`), so a test that changes state does not affect the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        built = {
            "A": build_board_world("A"),
            "B": build_board_world("B"),
            "outsider": UserFactory(full_name="Olly Outsider"),
        }
        yield built
        transaction.set_rollback(True)


def actor_user(world, actor: str):
    if actor == "anonymous":
        return None
    if actor == "outsider":
        return world["outsider"]
    return world["A"].users[actor]


def row(table, key) -> tuple[int, ...]:
    return tuple(int(status) for status in table[key].split())


def cells(table_keys, table):
    """(key, actor, expected) for every key the application has; a key missing from the table gets None."""
    return [
        pytest.param(key, actor, row(table, key)[column] if key in table else None, id=f"{key}-{actor}")
        for key in table_keys
        for column, actor in enumerate(ACTORS)
    ]


# -- The tables match the application ------------------------------------------------------------------


def test_every_page_has_a_row_and_every_row_a_page():
    names = set(page_names())
    assert not names - set(PAGES), f"pages without a row in PAGES: {sorted(names - set(PAGES))}"
    assert not set(PAGES) - names, f"rows in PAGES for pages that no longer exist: {sorted(set(PAGES) - names)}"


def test_every_api_operation_has_a_row_and_every_row_an_operation():
    operations = set(api_operations())
    assert not operations - set(API), f"operations without a row in API: {sorted(operations - set(API))}"
    assert not set(API) - operations, (
        f"rows in API for operations that no longer exist: {sorted(set(API) - operations)}"
    )


def test_every_api_route_is_an_operation_in_the_schema_or_listed_as_the_apis_own():
    """A route under api/ that the schema does not describe would escape the API matrix."""
    schema_paths = {path for path in api.get_openapi_schema()["paths"]}
    for route, name in url_routes():
        if not route.startswith(API_PREFIX) or name in API_OWN_ROUTES:
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        assert path in schema_paths, f"{route} ({name}) is not an operation of the OpenAPI schema"
    names = {name for _route, name in url_routes()}
    assert names >= API_OWN_ROUTES, f"listed as the API's own but gone: {sorted(API_OWN_ROUTES - names)}"


def test_every_row_has_a_column_per_actor():
    for table in (PAGES, API):
        for key in table:
            statuses = row(table, key)
            assert len(statuses) == len(ACTORS), f"{key} has {len(statuses)} columns, not {len(ACTORS)}"


# -- Pages -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "actor", "expected"), cells(page_names(), PAGES))
def test_page_permission(world, name, actor, expected):
    assert expected is not None, f"{name} has no row in PAGES: add what each role should get"
    ids = world["A"].ids() | prepare(name, world["A"])
    response = signed_in(actor_user(world, actor)).get(page_url(name, ids))
    assert response.status_code == expected
    if expected == 302 and actor == "anonymous":
        assert response["Location"].startswith(reverse("accounts:sign-in") + "?next=")
    elif expected == 302:
        assert response["Location"] == reverse("reviews:dashboard")


# Pages that accept POST; a refused POST answers like a refused GET and changes nothing.
POST_PAGES = [
    "reviews:new",
    "reviews:referral",
    "reviews:decision",
    "reviews:stage",
    "reviews:deadlines",
    "reviews:person-new",
    "reviews:person",
    "reviews:person-remove",
    "reviews:place-new",
    "reviews:place",
    "reviews:place-remove",
    "records:secure",
    "records:upload",
    "accounts:agency-new",
    "accounts:agency",
    *(name for module in ROW_MODULES for name in module.POST_PAGES),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "actor"),
    [
        pytest.param(name, actor, id=f"{name}-{actor}")
        for name in POST_PAGES
        for column, actor in enumerate(ACTORS)
        if row(PAGES, name)[column] == 404
    ],
)
def test_page_post_refused_like_get(world, name, actor):
    ids = world["A"].ids() | prepare(name, world["A"])
    events = AuditEvent.objects.count()
    response = signed_in(actor_user(world, actor)).post(page_url(name, ids), {})
    assert response.status_code == 404
    assert AuditEvent.objects.count() == events


def test_anonymous_post_to_a_page_is_sent_to_sign_in(client, db):
    response = client.post(reverse("reviews:new"), {})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


# -- API -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("operation", "actor", "expected"), cells(api_operations(), API))
def test_api_permission(world, operation, actor, expected):
    assert expected is not None, f"{operation} has no row in API: add what each role should get"
    side = world["A"]
    ids = side.ids() | prepare(operation, side)
    method = operation.split(" ", 1)[0]
    response = call_api(signed_in(actor_user(world, actor)), method, api_path(operation, ids), api_body(operation, ids))
    assert response.status_code == expected, response.content
    if expected in (401, 404):
        assert set(response.json()) == {"detail", "errors"}
        assert response.json()["errors"] == {}


# -- Board isolation: nothing of board B is visible to anyone on board A -----------------------------------


def pages_with_ids():
    """Pages that name an object; a row module lists in NOT_BOARD_SCOPED those that belong to no board."""
    skip = {name for module in ROW_MODULES for name in getattr(module, "NOT_BOARD_SCOPED", [])}
    return [name for name in page_names() if route_params(name) and name not in skip]


def operations_with_ids():
    """Operations that name an object in the path, or a board in the body."""
    placeholder_ids = defaultdict(int)
    return [op for op in api_operations() if "{" in op or "board_id" in (api_body(op, placeholder_ids) or {})]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "role"), [pytest.param(name, role, id=f"{name}-{role}") for name in pages_with_ids() for role in ROLES]
)
def test_page_of_another_board_is_not_found(world, name, role):
    ids = world["B"].ids() | prepare(name, world["B"])
    response = signed_in(world["A"].users[role]).get(page_url(name, ids))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("operation", "role"),
    [pytest.param(op, role, id=f"{op}-{role}") for op in operations_with_ids() for role in ROLES],
)
def test_api_object_of_another_board_is_not_found(world, operation, role):
    other = world["B"]
    ids = other.ids() | prepare(operation, other)
    method = operation.split(" ", 1)[0]
    response = call_api(signed_in(world["A"].users[role]), method, api_path(operation, ids), api_body(operation, ids))
    assert response.status_code == 404, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.BOARD_MANAGER, Role.PANEL_CHAIR, Role.LEAD_REVIEWER])
@pytest.mark.parametrize("name", ["reviews:person", "reviews:person-remove", "reviews:place", "reviews:place-remove"])
def test_page_of_another_boards_entry_under_own_review_is_not_found(world, name, role):
    """Board A's review in the URL does not open board B's person or place."""
    ids = world["A"].ids() | {"person": world["B"].person.pk, "place": world["B"].place.pk}
    assert signed_in(world["A"].users[role]).get(page_url(name, ids)).status_code == 404
    assert signed_in(world["A"].users[role]).post(page_url(name, ids), {}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.BOARD_MANAGER, Role.PANEL_CHAIR, Role.LEAD_REVIEWER])
@pytest.mark.parametrize("operation", [op for op in api_operations() if "{person_id}" in op or "{place_id}" in op])
def test_api_entry_of_another_board_under_own_review_is_not_found(world, operation, role):
    ids = world["A"].ids() | {"person": world["B"].person.pk, "place": world["B"].place.pk}
    method = operation.split(" ", 1)[0]
    response = api_call(signed_in(world["A"].users[role]), method, api_path(operation, ids), api_body(operation, ids))
    assert response.status_code == 404


@pytest.mark.django_db
def test_referral_with_another_boards_agency_is_refused(world):
    """The API checks the referring agency belongs to the board referred to."""
    ids = world["A"].ids()
    body = api_body("POST /api/reviews", ids) | {"referring_agency_id": world["B"].agency.pk}
    response = api_call(signed_in(world["A"].users[Role.BOARD_MANAGER]), "POST", "/api/reviews", body)
    assert response.status_code == 400
    assert "referring_agency_id" in response.json()["errors"]


@pytest.mark.django_db
def test_lists_show_only_own_boards_objects(world):
    manager = signed_in(world["A"].users[Role.BOARD_MANAGER])
    reviews = api_call(manager, "GET", "/api/reviews").json()
    agencies = api_call(manager, "GET", "/api/agencies").json()
    assert {r["id"] for r in reviews} == {world["A"].review.pk}
    assert {a["id"] for a in agencies} == {world["A"].agency.pk}
    dashboard = manager.get(reverse("reviews:dashboard")).content.decode()
    assert world["A"].review.reference in dashboard
    assert world["B"].review.reference not in dashboard
