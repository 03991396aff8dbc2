"""This app's rows of the permission matrix (tests/test_permissions.py): the same columns, the same rules.

Each part of the app keeps the state and bodies its rows need in its own module (rows_entries, rows_imports,
rows_integrated); the rows themselves are here."""

from tests.chronology import rows_entries, rows_imports, rows_integrated

PARTS = [rows_entries, rows_imports, rows_integrated]

# fmt: off
#                                                         man cha mem nat pch pme leg lea imr snr wrk out anon
PAGES: dict[str, str] = {
    # entries
    "chronology:agencies":                                "200 404 404 404 200 200 200 200 200 200 404 404 302",
    "chronology:agency":                                  "200 404 404 404 200 200 200 200 200 200 404 404 302",
    "chronology:version-new":                             "404 404 404 404 404 404 404 404 200 404 404 404 302",
    "chronology:submit":                                  "404 404 404 404 404 404 404 404 200 404 404 404 302",
    "chronology:entry-new":                               "404 404 404 404 404 404 404 404 200 404 404 404 302",
    "chronology:entry":                                   "404 404 404 404 404 404 404 404 200 404 404 404 302",
    "chronology:entry-remove":                            "404 404 404 404 404 404 404 404 200 404 404 404 302",
    # imports
    # Anyone signed in may download the template; an import's pages are its agency's IMR author's (rows_imports).
    "chronology:import-template":                         "200 200 200 200 200 200 200 200 200 200 200 200 302",
    "chronology:import":                                  "404 404 404 404 404 404 404 404 200 404 404 404 302",
    "chronology:import-columns":                          "404 404 404 404 404 404 404 404 200 404 404 404 302",
    "chronology:import-check":                            "404 404 404 404 404 404 404 404 200 404 404 404 302",
    "chronology:import-progress":                         "404 404 404 404 404 404 404 404 200 404 404 404 302",
    "chronology:import-result":                           "404 404 404 404 404 404 404 404 200 404 404 404 302",
    # integrated
    # Read by the panel, the lead reviewer and the board manager; decided and annotated by the lead reviewer alone;
    # an agency's version exported by whoever sees it (its own staff too). See rows_integrated.
    "chronology:integrated":                              "200 404 404 404 200 200 200 200 404 404 404 404 302",
    "chronology:timeline":                                "200 404 404 404 200 200 200 200 404 404 404 404 302",
    "chronology:integrated-export":                       "200 404 404 404 200 200 200 200 404 404 404 404 302",
    "chronology:version-export":                          "200 404 404 404 200 200 200 200 200 200 404 404 302",
    "chronology:pair":                                    "404 404 404 404 404 404 404 200 404 404 404 404 302",
    "chronology:annotation":                              "404 404 404 404 404 404 404 200 404 404 404 404 302",
}

API: dict[str, str] = {
    # entries
    "GET /api/reviews/{review_id}/chronology/agencies/{agency_id}/versions":
                                                          "200 404 404 404 200 200 200 200 200 200 404 404 401",
    "POST /api/reviews/{review_id}/chronology/agencies/{agency_id}/draft":
                                                          "404 404 404 404 404 404 404 404 200 404 404 404 401",
    "GET /api/reviews/{review_id}/chronology/versions/{version_id}/entries":
                                                          "200 404 404 404 200 200 200 200 200 200 404 404 401",
    "POST /api/reviews/{review_id}/chronology/versions/{version_id}/entries":
                                                          "404 404 404 404 404 404 404 404 201 404 404 404 401",
    "POST /api/reviews/{review_id}/chronology/versions/{version_id}/entries/bulk":
                                                          "404 404 404 404 404 404 404 404 201 404 404 404 401",
    "POST /api/reviews/{review_id}/chronology/versions/{version_id}/submit":
                                                          "404 404 404 404 404 404 404 404 200 404 404 404 401",
    "PUT /api/reviews/{review_id}/chronology/entries/{entry_id}":
                                                          "404 404 404 404 404 404 404 404 200 404 404 404 401",
    "DELETE /api/reviews/{review_id}/chronology/entries/{entry_id}":
                                                          "404 404 404 404 404 404 404 404 204 404 404 404 401",
    # imports
    "POST /api/reviews/{review_id}/chronology/agencies/{agency_id}/imports":
                                                          "404 404 404 404 404 404 404 404 201 404 404 404 401",
    "POST /api/reviews/{review_id}/chronology/imports/{import_id}/import":
                                                          "404 404 404 404 404 404 404 404 200 404 404 404 401",
    "GET /api/reviews/{review_id}/chronology/imports/{import_id}":
                                                          "404 404 404 404 404 404 404 404 200 404 404 404 401",
    # integrated
    "GET /api/reviews/{review_id}/chronology/integrated":
                                                          "200 404 404 404 200 200 200 200 404 404 404 404 401",
    "POST /api/reviews/{review_id}/chronology/integrated/pairs":
                                                          "404 404 404 404 404 404 404 201 404 404 404 404 401",
    "POST /api/reviews/{review_id}/chronology/integrated/annotations":
                                                          "404 404 404 404 404 404 404 201 404 404 404 404 401",
    "GET /api/reviews/{review_id}/chronology/integrated/export":
                                                          "200 404 404 404 200 200 200 200 404 404 404 404 401",
    "GET /api/reviews/{review_id}/chronology/versions/{version_id}/export":
                                                          "200 404 404 404 200 200 200 200 200 200 404 404 401",
}
# fmt: on

# Pages that accept POST: a refused POST must answer 404 and change nothing.
POST_PAGES: list[str] = [
    # entries
    "chronology:version-new",
    "chronology:submit",
    "chronology:entry-new",
    "chronology:entry",
    "chronology:entry-remove",
    # imports
    "chronology:import",
    "chronology:import-columns",
    "chronology:import-check",
    # integrated
    "chronology:pair",
    "chronology:annotation",
]


def bodies(ids: dict) -> dict:
    """A valid body for each operation of this app that takes one."""
    found = {}
    for part in PARTS:
        found |= part.bodies(ids)
    return found


def prepare(operation: str, side) -> dict | None:
    """The state a page or operation of this app needs, and the ids of what it made; None if not ours."""
    for part in PARTS:
        made = part.prepare(operation, side)
        if made is not None:
            return made
    return None
