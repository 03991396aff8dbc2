"""Merge agencies' chronologies into one time order and mark what the lead reviewer should look at: possible
duplicates, contradictions, gaps and entries with no source.

Pure: imports nothing from Django and works on plain `Item`s, so the integrated page, the exports, the API and
the benchmark share it. The rules (docs/decisions/0012-merging-chronologies.md):

Order. By date; a month-only entry (its date is the 1st) comes first in its month, before the entries dated the
1st, as a heading for what happened "in March 2021"; this is also where the database puts it when it orders by
`occurred_on`, so a page ordered in SQL and this order agree. On one day: entries with a time first, by time, then
the rest by agency name and sequence. An approximate date sorts by its date, among the entries of that day. The
sort is stable.

When two entries can be the same event. Each entry covers a window of days: its day; for a month-only entry the
whole month; for an approximate date three days either side. Two entries of DIFFERENT agencies whose windows
overlap, which share at least one person (or both name nobody), can be the same event.

Similarity. The Sørensen-Dice coefficient of the two texts' sets of content words: lower case, stop words
(including "not", "no") dropped, each word reduced to a simple stem (plural "s", "ed", "ing", and common irregular
verbs: "seen" and "saw" are "see"). 2·|A∩B| / (|A|+|B|), from 0 to 1. Dice rather than Jaccard because two
agencies' words for one event overlap in part: "Health visitor home visit, child seen and weighed" and "Home visit
by the health visitor; child seen, weight checked" score 0.8 (Jaccard 0.67).

Possible duplicates: candidates with similarity at least 0.6.

Contradictions: candidates with similarity at least 0.4 (one event told differently uses fewer of the same words)
that disagree on
- the time: both have a time and the times are more than an hour apart; or
- the outcome: a word one outcome states and the other negates ("child seen" / "child not seen", "access gained"
  / "no access"). A negation is "not", "no", "never", "nor", "without", "unable", "failed" or a word ending "n't";
  it covers up to four following words, to the next punctuation or "and", "but", "however", "although",
  "though". The outcomes are compared when both agencies wrote one; otherwise the whole texts are.

Gaps: an entry covers its day, a month-only entry its whole month (contact happened in it, we do not know when);
a gap is a run of at least `min_days` days, between the first and the last entry, that no entry covers.

Speed: candidates are found by blocking on days (an entry is only compared with the entries whose windows share a
day with its own), and the word sets are computed once, so 100,000 entries take seconds.
"""

import calendar
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache

from casereview.chronology.dates import format_time

DUPLICATE_THRESHOLD = 0.6
CONTRADICTION_THRESHOLD = 0.4
APPROXIMATE_WINDOW_DAYS = 3
TIME_TOLERANCE_MINUTES = 60
NEGATION_SCOPE_WORDS = 4

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers herself him
    himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
NEGATIONS = frozenset({"not", "no", "never", "nor", "without", "unable", "failed", "cannot", "none", "nobody"})
SCOPE_BREAKS = frozenset({"and", "but", "however", "although", "though", "whereas", "while"})
IRREGULAR_STEMS = {
    "seen": "see",
    "saw": "see",
    "sees": "see",
    "spoke": "speak",
    "spoken": "speak",
    "told": "tell",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "went": "go",
    "gone": "go",
    "made": "make",
    "met": "meet",
    "found": "find",
    "left": "leave",
    "kept": "keep",
    "brought": "bring",
    "held": "hold",
    "rang": "ring",
    "children": "child",
    "men": "man",
    "women": "woman",
}
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLAUSE = re.compile(r"[.,;:!?()\n]+")


@dataclass(frozen=True)
class Item:
    key: str
    agency: str
    occurred_on: date
    precision: str  # models.DatePrecision values: "datetime", "day", "month", "approximate"
    occurred_at: time | None
    sequence: int
    people: frozenset[int]
    practitioners: str
    text: str  # what happened, action and outcome joined
    outcome: str
    has_source: bool


# Order.


def sort_key(item: Item) -> tuple:
    """The merge order of one item: see the module docstring."""
    is_month = item.precision == "month"
    return (
        item.occurred_on,
        0 if is_month else 1,
        0 if item.occurred_at is not None and not is_month else 1,
        item.occurred_at or time.min,
        item.agency.casefold(),
        item.sequence,
    )


def merge_order(items: Iterable[Item]) -> list[Item]:
    """All the items in time order across agencies (stable)."""
    return sorted(items, key=sort_key)


# Words.


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A simple stem: enough for two agencies' words for one event to meet ("visited", "visits", "visit")."""
    if word in IRREGULAR_STEMS:
        return IRREGULAR_STEMS[word]
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    """The stems of the words that carry meaning (stop words and negations dropped)."""
    return frozenset(
        stem(word)
        for word in _WORD.findall(text.lower())
        if word not in STOP_WORDS and word not in NEGATIONS and not word.endswith("n't") and len(word) > 1
    )


def similarity(first: frozenset[str], second: frozenset[str]) -> float:
    """Sørensen-Dice coefficient of two sets of content words."""
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def stated_and_negated(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """The content words `text` states and those it negates, each stem mapped to a word as written."""
    stated: dict[str, str] = {}
    negated: dict[str, str] = {}
    for clause in _CLAUSE.split(text.lower()):
        scope = 0
        for word in _WORD.findall(clause):
            if word in NEGATIONS or word.endswith("n't"):
                scope = NEGATION_SCOPE_WORDS
                continue
            if word in SCOPE_BREAKS:
                scope = 0
                continue
            if word in STOP_WORDS or len(word) < 2:
                continue
            target = negated if scope else stated
            target.setdefault(stem(word), word)
            scope = max(scope - 1, 0)
    return stated, negated


# Candidates for one event.


def date_window(item: Item) -> tuple[date, date]:
    """The first and last day the item can have happened on."""
    if item.precision == "month":
        first = item.occurred_on.replace(day=1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if item.precision == "approximate":
        ordinal = item.occurred_on.toordinal()
        return (
            date.fromordinal(max(ordinal - APPROXIMATE_WINDOW_DAYS, date.min.toordinal())),
            date.fromordinal(min(ordinal + APPROXIMATE_WINDOW_DAYS, date.max.toordinal())),
        )
    return item.occurred_on, item.occurred_on


def _same_event_candidates(
    items: Sequence[Item], threshold: float, words: Sequence[frozenset[str]]
) -> Iterator[tuple[int, int, float]]:
    """(i, j, similarity), i < j, for each pair of items of different agencies, with overlapping windows, sharing a
    person (or both naming nobody), whose similarity is at least `threshold`. Each pair once."""
    by_day: dict[int, list[int]] = defaultdict(list)
    several_days = []
    for index, item in enumerate(items):
        first, last = date_window(item)
        several_days.append(first != last)
        if words[index]:  # an item with no content words is similar to nothing
            for ordinal in range(first.toordinal(), last.toordinal() + 1):
                by_day[ordinal].append(index)
    agency_codes: dict[str, int] = {}
    rows = [
        (agency_codes.setdefault(item.agency, len(agency_codes)), item.people, words[index], len(words[index]))
        for index, item in enumerate(items)
    ]
    # Dice can reach at most 2·min/(sum): a pair whose sizes alone rule it out is skipped before its words are met.
    ratio = threshold / (2 - threshold) if threshold < 2 else float("inf")
    seen: set[tuple[int, int]] = set()
    for bucket in by_day.values():
        if len(bucket) < 2:
            continue
        for position, i in enumerate(bucket):
            agency_i, people_i, words_i, size_i = rows[i]
            least, most = size_i * ratio, size_i / ratio if ratio else float("inf")
            several_i = several_days[i]
            for j in bucket[position + 1 :]:
                agency_j, people_j, words_j, size_j = rows[j]
                if agency_i == agency_j or size_j < least or size_j > most:
                    continue
                if (people_i or people_j) and people_i.isdisjoint(people_j):
                    continue
                score = 2 * len(words_i & words_j) / (size_i + size_j)
                if score < threshold:
                    continue
                if several_i and several_days[j]:  # both cover several days: the pair is met in several buckets
                    if (i, j) in seen:
                        continue
                    seen.add((i, j))
                yield i, j, score


def _ordered(first: Item, second: Item) -> tuple[Item, Item]:
    return (first, second) if first.key < second.key else (second, first)


def possible_duplicates(items: Iterable[Item], threshold: float = DUPLICATE_THRESHOLD) -> list[tuple[str, str, float]]:
    """(first key, second key, similarity) for entries of different agencies that may record the same event; the
    first key is the smaller; sorted by keys."""
    items = list(items)
    words = [content_words(item.text) for item in items]
    pairs = []
    for i, j, score in _same_event_candidates(items, threshold, words):
        first, second = _ordered(items[i], items[j])
        pairs.append((first.key, second.key, round(score, 3)))
    pairs.sort()
    return pairs


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _quoted(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _compared_text(first: Item, second: Item) -> tuple[bool, str, str]:
    """Whether the outcomes are compared (both agencies wrote one), and the two texts compared."""
    if first.outcome.strip() and second.outcome.strip():
        return True, first.outcome, second.outcome
    return False, first.text, second.text


def contradiction_reason(
    first: Item,
    second: Item,
    analyse: Callable[[str], tuple[dict[str, str], dict[str, str]]] = stated_and_negated,
) -> str | None:
    """Why two records of what looks like one event disagree, in plain words, or None when they do not."""
    reasons = []
    if first.occurred_at is not None and second.occurred_at is not None:
        apart = abs(_minutes(first.occurred_at) - _minutes(second.occurred_at))
        if apart > TIME_TOLERANCE_MINUTES:
            hours, minutes = divmod(apart, 60)
            span = f"{hours} hour{'s' if hours != 1 else ''}" + (f" {minutes} minutes" if minutes else "")
            reasons.append(
                f"The times differ by {span}: {first.agency} recorded {format_time(first.occurred_at)}, "
                f"{second.agency} {format_time(second.occurred_at)}"
            )
    use_outcomes, text_first, text_second = _compared_text(first, second)
    stated_first, negated_first = analyse(text_first)
    stated_second, negated_second = analyse(text_second)
    disputed = [word for stem_, word in stated_first.items() if stem_ in negated_second]
    disputed += [word for stem_, word in stated_second.items() if stem_ in negated_first]
    if disputed:
        what = "outcomes" if use_outcomes else "accounts"
        reasons.append(
            f"The {what} disagree on “{disputed[0]}”: {first.agency} recorded {_quoted(text_first)}, "
            f"{second.agency} {_quoted(text_second)}"
        )
    return "; ".join(reasons) or None


def contradictions(items: Iterable[Item], threshold: float = CONTRADICTION_THRESHOLD) -> list[tuple[str, str, str]]:
    """(first key, second key, reason) for two agencies recording what looks like one event differently; the first
    key is the smaller; sorted by keys."""
    items = list(items)
    words = [content_words(item.text) for item in items]
    analysed: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

    def analyse(text: str) -> tuple[dict[str, str], dict[str, str]]:
        # Each item's outcome and text are analysed once, however many candidates it has.
        if text not in analysed:
            analysed[text] = stated_and_negated(text)
        return analysed[text]

    found = []
    for i, j, _score in _same_event_candidates(items, threshold, words):
        first, second = _ordered(items[i], items[j])
        reason = contradiction_reason(first, second, analyse)
        if reason:
            found.append((first.key, second.key, reason))
    found.sort()
    return found


def duplicates_and_contradictions(
    items: Iterable[Item],
    duplicate_threshold: float = DUPLICATE_THRESHOLD,
    contradiction_threshold: float = CONTRADICTION_THRESHOLD,
) -> tuple[list[tuple[str, str, float]], list[tuple[str, str, str]]]:
    """`possible_duplicates(items)` and `contradictions(items)` in one pass over the candidates (about half the
    time of calling both)."""
    items = list(items)
    words = [content_words(item.text) for item in items]
    analysed: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

    def analyse(text: str) -> tuple[dict[str, str], dict[str, str]]:
        if text not in analysed:
            analysed[text] = stated_and_negated(text)
        return analysed[text]

    duplicates, found = [], []
    for i, j, score in _same_event_candidates(items, min(duplicate_threshold, contradiction_threshold), words):
        first, second = _ordered(items[i], items[j])
        if score >= duplicate_threshold:
            duplicates.append((first.key, second.key, round(score, 3)))
        if score >= contradiction_threshold:
            reason = contradiction_reason(first, second, analyse)
            if reason:
                found.append((first.key, second.key, reason))
    duplicates.sort()
    found.sort()
    return duplicates, found


# Gaps and sources.


def covered_days(item: Item) -> tuple[date, date]:
    """The days an entry shows contact on: its day, or the whole month for a month-only entry."""
    if item.precision == "month":
        return date_window(item)
    return item.occurred_on, item.occurred_on


def gaps(items: Iterable[Item], min_days: int) -> list[tuple[date, date]]:
    """(first day, last day) of each run of at least `min_days` days with no entry from any agency, between the
    first and the last entry, in date order."""
    if min_days < 1:
        raise ValueError("min_days must be at least 1")
    spans = sorted(covered_days(item) for item in items)
    found = []
    covered_until: date | None = None
    for first, last in spans:
        if covered_until is not None and (first - covered_until).days - 1 >= min_days:
            found.append((covered_until + timedelta(days=1), first - timedelta(days=1)))
        if covered_until is None or last > covered_until:
            covered_until = last
    return found


def missing_sources(items: Iterable[Item]) -> list[str]:
    """The keys of the entries with no source, in the order given."""
    return [item.key for item in items if not item.has_source]
