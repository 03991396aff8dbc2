"""The timeline picture: a lane per agency, a mark per entry shaped by significance, uncertain dates drawn apart,
an axis, accessible names, and every text escaped (pure: no database); then the page that shows it."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from casereview.accounts.models import Role
from casereview.audit.models import AuditEvent
from casereview.chronology.timeline import (
    LOOKS,
    TimelineEntry,
    axis_ticks,
    period_of,
    render_timeline,
    zoom_periods,
)
from tests.chronology.entries_world import build_chronology_world, entry_values
from tests.web import page, signed_in

SVG = "{http://www.w3.org/2000/svg}"


def entry(agency="Northshire Police", on=date(2016, 3, 4), precision="day", significance="routine", summary="Visit"):
    return TimelineEntry(agency, on, precision, significance, date_label=on.isoformat(), summary=summary)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def marks(root: ET.Element) -> list[ET.Element]:
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "app-timeline__marks")
    return [child for child in group if child.tag == f"{SVG}g"]


def shape_of(mark: ET.Element) -> ET.Element:
    return next(child for child in mark if child.tag != f"{SVG}title")


def test_picture_is_an_image_named_by_its_title_and_description():
    root = parse(render_timeline([entry()], title="Timeline", description="One entry"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Timeline"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == "One entry"


def test_one_lane_per_agency_in_the_order_given_then_as_they_come():
    entries = [entry("Health"), entry("Police"), entry("Education"), entry("Health")]
    root = parse(render_timeline(entries, title="T", description="D", lanes=["Police"]))
    lanes = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "app-timeline__lanes")
    names = [text.find(f"{SVG}title").text for text in lanes.iter(f"{SVG}text")]
    assert names == ["Police", "Health", "Education"]


def test_a_mark_per_entry_in_its_agencys_lane():
    entries = [
        entry("Police", date(2016, 1, 10)),
        entry("Health", date(2016, 6, 10)),
        entry("Police", date(2016, 9, 1)),
    ]
    root = parse(render_timeline(entries, title="T", description="D"))
    found = marks(root)
    assert len(found) == 3
    ys = [float(shape_of(mark).get("cy")) for mark in found]
    assert ys[0] == ys[2] != ys[1]
    xs = [float(shape_of(mark).get("cx")) for mark in found]
    assert xs[0] < xs[1] < xs[2]


def test_significance_changes_shape_and_size_not_only_colour():
    entries = [entry(significance=s, on=date(2016, m, 1)) for m, s in [(1, "routine"), (5, "significant"), (9, "key")]]
    root = parse(render_timeline(entries, title="T", description="D"))
    shapes = {shape_of(mark).tag.removeprefix(SVG) for mark in marks(root)}
    assert shapes == {"circle", "rect", "polygon"}
    assert LOOKS["routine"].radius < LOOKS["significant"].radius < LOOKS["key"].radius
    assert len({look.shape for look in LOOKS.values()}) == 3


def test_uncertain_dates_are_hollow_and_dashed_and_month_only_spans_its_month():
    entries = [
        entry(on=date(2016, 3, 4), precision="day"),
        entry(on=date(2016, 5, 1), precision="month"),
        entry(on=date(2016, 8, 20), precision="approximate"),
    ]
    root = parse(render_timeline(entries, title="T", description="D", start=date(2016, 1, 1), end=date(2016, 12, 31)))
    certain, month, approximate = (shape_of(mark) for mark in marks(root))
    assert certain.get("stroke-dasharray") is None and certain.get("fill") != "#ffffff"
    for uncertain in (month, approximate):
        assert uncertain.get("stroke-dasharray") and uncertain.get("fill") == "#ffffff"
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "app-timeline__marks")
    bars = [child for child in group if child.tag == f"{SVG}line"]
    assert len(bars) == 1
    assert float(bars[0].get("x2")) - float(bars[0].get("x1")) > 40  # a month of a year 800 pixels wide


def test_tooltips_name_the_entry_and_say_when_the_date_is_uncertain():
    root = parse(render_timeline([entry(precision="approximate", summary="Home visit")], title="T", description="D"))
    tooltip = marks(root)[0].find(f"{SVG}title").text
    assert "Northshire Police: Routine (date uncertain)" in tooltip
    assert "Home visit" in tooltip


def test_entries_on_the_same_spot_are_one_mark_that_counts_them():
    entries = [entry(summary=f"Call {n}") for n in range(12)]
    root = parse(render_timeline(entries, title="T", description="D"))
    (mark,) = marks(root)
    tooltip = mark.find(f"{SVG}title").text
    assert tooltip.startswith("Northshire Police: 12 entries, routine")
    assert "and 9 more" in tooltip


def test_every_text_is_escaped():
    nasty = '<script>alert("x")</script> & "quotes"'
    svg = render_timeline(
        [entry(agency=nasty, summary=nasty)], title=nasty, description=nasty, lanes=[nasty], id_prefix="t"
    )
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == nasty


def test_entries_outside_the_period_are_left_out():
    entries = [entry(on=date(2015, 1, 1)), entry(on=date(2016, 6, 1)), entry(on=date(2017, 1, 1))]
    root = parse(render_timeline(entries, title="T", description="D", start=date(2016, 1, 1), end=date(2016, 12, 31)))
    assert len(marks(root)) == 1


def test_an_empty_picture_still_renders():
    root = parse(render_timeline([], title="T", description="Nothing yet"))
    assert root.get("role") == "img"
    assert marks(root) == []


def test_axis_shows_months_for_up_to_three_years_and_years_beyond():
    kind, ticks = axis_ticks(date(2016, 1, 1), date(2016, 12, 31))
    assert kind == "months"
    assert [tick.label for tick in ticks][:3] == ["Jan 2016", "Feb", "Mar"]
    kind, ticks = axis_ticks(date(2010, 1, 1), date(2019, 12, 31))
    assert kind == "years"
    assert [tick.label for tick in ticks] == [str(year) for year in range(2010, 2020)]


def test_axis_names_the_year_whenever_it_changes():
    _kind, ticks = axis_ticks(date(2016, 3, 4), date(2017, 5, 31))
    years = [tick.label for tick in ticks if " " in tick.label]
    assert years[0].endswith("2016") and any(label.endswith("2017") for label in years)


def test_period_covers_a_month_only_entry_to_the_end_of_its_month():
    assert period_of([entry(on=date(2016, 2, 1), precision="month")]) == (date(2016, 2, 1), date(2016, 2, 29))
    assert period_of([]) is None


def test_zoom_offers_whole_chronology_years_and_neighbouring_periods():
    whole = (date(2014, 5, 1), date(2017, 8, 31))
    texts = [text for text, _start, _end in zoom_periods(date(2015, 1, 1), date(2016, 12, 31), whole)]
    assert texts[0] == "Whole chronology"
    assert {"2015", "2016", "Zoom out", "Earlier", "Later"} <= set(texts)
    texts = [text for text, _start, _end in zoom_periods(*whole, whole)]
    assert "Whole chronology" not in texts and "Earlier" not in texts and "Later" not in texts
    months = [text for text, _s, _e in zoom_periods(date(2016, 1, 1), date(2016, 6, 30), whole)]
    assert "March 2016" in months


@given(
    st.lists(
        st.builds(
            TimelineEntry,
            agency=st.text(max_size=40),
            occurred_on=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 1)),
            precision=st.sampled_from(["datetime", "day", "month", "approximate"]),
            significance=st.sampled_from(["routine", "significant", "key", "unknown"]),
            summary=st.text(max_size=60),
        ),
        max_size=30,
    ),
    st.text(max_size=50),
)
def test_any_entries_make_a_well_formed_picture(entries, title):
    root = parse(render_timeline(entries, title=title, description="D"))
    assert len(marks(root)) <= len(entries)


# -- The page (with the database) ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def vault_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(board, manager, chair):
    world = build_chronology_world(board, manager, chair)
    world.submitted(
        world.police,
        entry_values(date="04/03/2016", what_happened="<script>alert(1)</script> Police visit", significance="key"),
        entry_values(date="May 2016", what_happened="Police in May", significance="routine"),
    )
    world.submitted(world.health, entry_values(date="?20/08/2017", what_happened="Health check"))
    return world


def timeline_page(world, who=Role.LEAD_REVIEWER, **query):
    return signed_in(world.users[who]).get(reverse("chronology:timeline", args=[world.review.pk]), query)


def svg_of(response) -> ET.Element:
    html = response.content.decode()
    start = html.index("<svg xmlns")
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])


def test_page_draws_a_lane_per_agency_and_lists_the_entries_below(world):
    response = timeline_page(world)
    assert response.status_code == 200
    root = svg_of(response)
    assert root.get("role") == "img"
    assert "3 entries from 2 agencies" in root.find(f"{SVG}desc").text
    assert len(marks(root)) == 3
    doc = page(response)
    table = doc.find("table")
    assert "The entries on the timeline" in table.text
    assert "Month only" in table.text and "Approximate" in table.text and "Key practice episode" in table.text
    assert AuditEvent.objects.filter(action="chronology.integrated_viewed", data__via="timeline").exists()


def test_page_escapes_what_agencies_wrote(world):
    html = timeline_page(world).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Police visit" in html


def test_page_zooms_to_a_period_with_links_that_need_no_script(world):
    response = timeline_page(world)
    links = {link.text: link.attrs["href"] for link in page(response).find_all("a")}
    assert "2016" in links and "2017" in links
    zoomed = signed_in(world.users[Role.LEAD_REVIEWER]).get(
        reverse("chronology:timeline", args=[world.review.pk]) + links["2016"]
    )
    assert len(marks(svg_of(zoomed))) == 2
    assert "Whole chronology" in {link.text for link in page(zoomed).find_all("a")}


def test_page_filters_like_the_table(world):
    response = timeline_page(world, significance="key")
    assert len(marks(svg_of(response))) == 1


def test_page_links_to_the_table_when_there_are_too_many_entries(world, monkeypatch):
    monkeypatch.setattr("casereview.chronology.views.TIMELINE_TABLE_ROWS", 2)
    response = timeline_page(world)
    assert page(response).find_all("table") == []
    assert "Read the same entries as a table" in page(response).find("main").text


@pytest.mark.parametrize("who", ["board_chair", "police_imr", Role.WORKER])
def test_page_is_not_found_for_others(world, who):
    assert timeline_page(world, who).status_code == 404
