"""Putting a service's refusal onto the form that asked for it, field by field."""

from django import forms

from casereview.core.errors import DomainError


def add_domain_errors(form: forms.Form, error: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Show each message of `error` on its field, or above the form when the form has no such field."""
    field_map = field_map or {}
    for field, message in error.errors.items():
        field = field_map.get(field, field)
        form.add_error(field if field in form.fields else None, message)
