"""The audit trail: one append-only event for every write."""
