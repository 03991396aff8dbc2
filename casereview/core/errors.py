"""Domain errors raised by services; pages show their messages, the API answers with their status."""


class DomainError(Exception):
    """A request the domain refuses. Each message tells the user what to do."""

    status = 400

    def __init__(self, message: str = "", *, field: str | None = None, errors: dict[str, str] | None = None):
        self.errors = dict(errors or {})
        if message:
            self.errors.setdefault(field or "__all__", message)
        self.message = message or next(iter(self.errors.values()), "")
        super().__init__(self.message)

    @property
    def field(self) -> str | None:
        field = next(iter(self.errors), None)
        return None if field == "__all__" else field


class Invalid(DomainError):
    """The input breaks a rule of the domain (a date of death after today, a duplicate reference)."""

    @classmethod
    def check(cls, errors: dict[str, str]) -> None:
        if errors:
            raise cls(errors=errors)


class NotAllowed(DomainError):
    """The actor may not do this."""

    status = 403


class Conflict(DomainError):
    """The object's state refuses the change, for example a stage move whose guard is not met."""

    status = 409


class StageRefused(Conflict):
    """A stage move whose guard is not met. `missing` lists, in plain words, what must be done first."""

    def __init__(self, stage_label: str, missing: list[str]):
        self.missing = list(missing)
        steps = " ".join(f"{item}." for item in self.missing)
        super().__init__(f"The review cannot move to {stage_label.lower()} yet. {steps}", field="to_stage")
