"""Errors that resolvers raise on purpose, with their GraphQL ``extensions.code``."""

from __future__ import annotations

from typing import Any


class GraphQLUserError(Exception):
    """An error caused by the request, shown to the caller as is."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions = extensions


class BadUserInput(GraphQLUserError):
    code = "BAD_USER_INPUT"


class NotFound(GraphQLUserError):
    code = "NOT_FOUND"


class Conflict(GraphQLUserError):
    code = "CONFLICT"


class Forbidden(GraphQLUserError):
    code = "FORBIDDEN"
