"""Multipart uploads spooled inside gobang's home, never in the system temp folder.

Starlette keeps each uploaded file in memory up to 1 MiB, then in an anonymous file of the system
temp folder: often a small tmpfs (RAM) or a disk shared with everything else, outside the space
`GOBANG_HOME` was sized for and outside the free-space check. Routes that take files use
`HomeSpooledRoute`, which parses the form itself with the spool in `spool_dir(settings)`;
FastAPI then finds the form already parsed.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Coroutine
from pathlib import Path
from tempfile import SpooledTemporaryFile
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser

from core.files import private_dir
from core.settings import Settings


def spool_dir(settings: Settings) -> Path:
    return private_dir(settings.home / "spool")


class _HomeSpooledParser(MultiPartParser):
    def __init__(self, headers: Headers, stream: AsyncGenerator[bytes, None], *, directory: Path) -> None:
        super().__init__(headers, stream)
        self.directory = directory

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        upload = self._current_part.file
        if upload is not None:  # a file part: its (still empty, in-memory) spool moves to our folder
            spooled: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(  # noqa: SIM115 (closed with the form)
                max_size=self.spool_max_size, dir=str(self.directory)
            )
            self._files_to_close_on_error[-1] = spooled
            upload.file = spooled  # type: ignore[assignment]


class HomeSpooledRoute(APIRoute):
    """Route class for endpoints taking files (`UploadFile`): the multipart body spools in `spool_dir`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def spooled(request: Request) -> Response:
            if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
                parser = _HomeSpooledParser(
                    request.headers, request.stream(), directory=spool_dir(request.app.state.settings)
                )
                try:
                    request._form = await parser.parse()  # what `request.form()` answers from now on
                except BaseException as exc:  # a full disk, a body past its limit: free the spool at once
                    for spooled in parser._files_to_close_on_error:
                        spooled.close()
                    if isinstance(exc, MultiPartException):
                        raise HTTPException(400, exc.message) from exc
                    raise
            return await handler(request)

        return spooled
