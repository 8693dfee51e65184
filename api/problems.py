"""Errors as RFC 9457 problem details: domain errors mapped once, here."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.errors import GobangError, InsufficientStorageError
from core.files import DISK_FULL

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class PreconditionFailedError(GobangError):
    """`If-Match` names a version that is no longer current: someone saved in between."""

    http_status = 412
    title = "Phiên bản đã thay đổi"


class PreconditionRequiredError(GobangError):
    """A change was sent without `If-Match`, so it could silently overwrite someone else's work."""

    http_status = 428
    title = "Thiếu If-Match"


class RangeNotSatisfiableError(GobangError):
    http_status = 416
    title = "Khoảng byte không hợp lệ"


_HTTP_TITLES = {
    400: "Yêu cầu không hợp lệ",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    413: "Dữ liệu gửi lên quá lớn",
    415: "Định dạng không được hỗ trợ",
}
"""Titles of the errors Starlette raises itself (unknown routes, wrong methods, the body size limit)."""


def problem(status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def error_response(exc: GobangError, path: str) -> JSONResponse:
    """A domain error as its problem document (also answered by middleware, outside the exception handlers)."""
    response = problem(exc.http_status, exc.title, exc.message, **{"instance": path, **exc.extra})
    response.headers.update(exc.headers)
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(GobangError)
    async def domain_error(request: Request, exc: GobangError) -> JSONResponse:
        return error_response(exc, str(request.url.path))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()]
        return problem(422, "Yêu cầu không hợp lệ", "dữ liệu gửi lên không hợp lệ (invalid request)", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = _HTTP_TITLES.get(exc.status_code, "Lỗi")
        response = problem(exc.status_code, title, str(exc.detail), instance=str(request.url.path))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled_error path=%s", request.url.path)
        return problem(500, "Lỗi hệ thống", "lỗi không mong đợi; đã ghi nhật ký (unexpected error, logged)")

    @app.exception_handler(OSError)
    async def os_error(request: Request, exc: OSError) -> JSONResponse:
        """A full disk (or quota) wherever it struck (spooling, staging, appending a piece) is a 507: the request's
        partial files are removed by their writers, and a resumable upload keeps its confirmed offset."""
        if exc.errno not in DISK_FULL:
            return await unexpected(request, exc)
        logger.error("disk_full path=%s error=%s", request.url.path, exc.strerror)
        full = InsufficientStorageError("đĩa lưu trữ của máy chủ đã đầy; dữ liệu đã lưu không bị mất (disk full)")
        return error_response(full, str(request.url.path))
