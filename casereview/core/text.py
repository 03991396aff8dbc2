"""Checks every service makes on free text before it is stored, whatever the caller (page, API, command)."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models


def text_errors(values: dict, model: type[models.Model] | None = None) -> dict[str, str]:
    """Messages for text that cannot be stored: NUL characters (PostgreSQL refuses them) and over-long values."""
    errors = {}
    for field, value in values.items():
        if not isinstance(value, str):
            continue
        label = field.replace("_", " ")
        max_length = None
        if model is not None:
            try:
                model_field = model._meta.get_field(field)
            except FieldDoesNotExist:
                model_field = None
            if model_field is not None:
                label = str(model_field.verbose_name)
                max_length = model_field.max_length
        if "\x00" in value:
            errors[field] = f"Remove the null character from the {label}"
        elif max_length and len(value) > max_length:
            errors[field] = f"{label[:1].upper()}{label[1:]} must be {max_length} characters or fewer"
    return errors
