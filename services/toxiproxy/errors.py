"""API errors with Toxiproxy's messages and status codes."""

from __future__ import annotations


class ApiError(Exception):
    """An error the API answers as ``{"error": message, "status": code}``."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status

    def joined(self, detail: str) -> ApiError:
        """This error with a detail appended, like Toxiproxy's ``joinError``."""
        return ApiError(f"{self.message}: {detail}", self.status)

    def as_dict(self) -> dict:
        return {"error": self.message, "status": self.status}


BAD_REQUEST_BODY = ApiError("bad request body", 400)
MISSING_FIELD = ApiError("missing required field", 400)
PROXY_NOT_FOUND = ApiError("proxy not found", 404)
PROXY_EXISTS = ApiError("proxy already exists", 409)
INVALID_STREAM = ApiError("stream was invalid, can be either upstream or downstream", 400)
INVALID_TOXIC_TYPE = ApiError("invalid toxic type", 400)
TOXIC_EXISTS = ApiError("toxic already exists", 409)
TOXIC_NOT_FOUND = ApiError("toxic not found", 404)


def server_error(err: BaseException) -> ApiError:
    """An unexpected error (a bind failure, say) as a 500, the way Toxiproxy reports it."""
    return ApiError(str(err), 500)
