"""Exceptions that carry a sentence for people (and, for HTTP faces, a status)."""

from __future__ import annotations


class MarsadError(Exception):
    """Base error: its message is a sentence a user can act on."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


class ConfigurationError(MarsadError):
    """Configuration as data (conventions, classifications, rules) is invalid."""

    status = 500
    code = "configuration"


class NotFound(MarsadError):
    status = 404
    code = "not_found"


class InvalidInput(MarsadError):
    status = 422
    code = "invalid_input"
