"""The audit hash chain: canonical JSON of an event, its SHA-256, and checking a run of events. No Django."""

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64  # the previous hash of the first event

# The fields an event's hash covers. `sequence` is covered so that reordering is detected; the primary key
# is not known before the insert, and the table refuses the UPDATE that hashing it afterwards would need.
HASHED_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "board_id",
    "review_id",
    "data",
    "ip_address",
    "request_id",
)


def _canonical_value(name: str, value):
    if value is None:
        return None
    if name == "at":
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if name == "ip_address":
        # PostgreSQL's inet gives back its own spelling of an IPv6 address; the exploded form is stable.
        try:
            return ipaddress.ip_address(value).exploded
        except ValueError:
            return str(value)
    if name == "data":
        return value
    return str(value)


def canonical_json(event: Mapping) -> str:
    """Sorted keys, no whitespace, times in UTC, ids as strings."""
    values = {name: _canonical_value(name, event[name]) for name in HASHED_FIELDS}
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(previous_hash: str, event: Mapping) -> str:
    return hashlib.sha256((previous_hash + canonical_json(event)).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first event at which the chain no longer holds, and why."""

    id: int
    action: str
    at: datetime
    problem: str

    def __str__(self) -> str:
        return f"event {self.id} ({self.action}, {self.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC): {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    events: int
    head_id: int | None
    head_hash: str
    broken: Break | None


def chain_check(events: Iterable[Mapping]) -> ChainReport:
    """Walk `events` in the order they were written (each a mapping with `id`, `hash`, `previous_hash` and
    the hashed fields) and stop at the first that does not follow from the one before."""
    previous_hash, count, head_id = GENESIS, 0, None
    for event in events:
        if event["previous_hash"] != previous_hash:
            problem = (
                "previous_hash mismatch: it does not follow the event before it, "
                "so an event was deleted or the events were reordered"
            )
            return ChainReport(count, head_id, previous_hash, Break(event["id"], event["action"], event["at"], problem))
        if event_hash(event["previous_hash"], event) != event["hash"]:
            problem = "hash mismatch: the event was edited after it was written"
            return ChainReport(count, head_id, previous_hash, Break(event["id"], event["action"], event["at"], problem))
        previous_hash, count, head_id = event["hash"], count + 1, event["id"]
    return ChainReport(count, head_id, previous_hash, None)
