"""Errors every layer understands. Each carries the HTTP status the web and API layers answer."""

from __future__ import annotations


class HearthError(Exception):
    """Base of Hearth's own errors; ``status`` is what an HTTP caller sees."""

    status: int = 400
    code: str = "hearth.error"

    def __init__(self, message: str = "", **context: object) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.context = context


class NotFoundError(HearthError):
    """Not found."""

    status = 404
    code = "not_found"


class ForbiddenError(HearthError):
    """You may not do this."""

    status = 403
    code = "forbidden"


class ValidationFailedError(HearthError):
    """The input is not valid."""

    status = 422
    code = "validation_failed"


class ConflictError(HearthError):
    """The request conflicts with the current state."""

    status = 409
    code = "conflict"
