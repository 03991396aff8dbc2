"""Shared pieces: domain errors, the working-day calendar, request ids."""
