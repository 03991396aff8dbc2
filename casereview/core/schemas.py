"""Schemas every API router shares."""

from ninja import Schema
from pydantic import ConfigDict


class Error(Schema):
    """Every refusal: a message saying what to do and, where it concerns input, a message per field."""

    detail: str
    errors: dict[str, str] = {}


ERRORS = {400: Error, 401: Error, 404: Error, 409: Error, 422: Error}


class StrictIn(Schema):
    """Input schemas refuse fields they do not know, so a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")
