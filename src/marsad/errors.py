"""Exceptions that carry a sentence for people (and, for HTTP faces, a status)."""

from __future__ import annotations

from typing import Any


class MarsadError(Exception):
    """Base error: its message is a sentence a user can act on."""

    status = 400
    code = "error"

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details or []

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class ConfigurationError(MarsadError):
    """Configuration as data (conventions, classifications, rules) is invalid."""

    status = 500
    code = "configuration"

    @classmethod
    def listing(cls, source: str, problems: list[str]) -> ConfigurationError:
        """One error naming every problem of a configuration file, one per line."""
        return cls(
            f"{source}: {len(problems)} problem(s):\n" + "\n".join(f"- {p}" for p in problems),
            details=[{"problem": p} for p in problems],
        )


class NotFound(MarsadError):
    status = 404
    code = "not_found"


class InvalidInput(MarsadError):
    status = 422
    code = "invalid_input"


class Unauthorized(MarsadError):
    status = 401
    code = "unauthorized"


class Forbidden(MarsadError):
    status = 403
    code = "forbidden"


class Conflict(MarsadError):
    """The request is valid but the state forbids it (a cap reached, a transition refused)."""

    status = 409
    code = "conflict"


class TooLarge(MarsadError):
    status = 413
    code = "too_large"


class RateLimited(MarsadError):
    status = 429
    code = "rate_limited"
