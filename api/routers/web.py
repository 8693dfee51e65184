"""The clerks' web UI, served by the API itself: every page, script and style ships in the package.

No CDN and no build step, so the UI works on an isolated LAN. Pages are static HTML; their ES
modules call the REST API with the session cookie (see `api/web/static/js/api.js`). The strict
Content-Security-Policy (`'self'` only) keeps pages from loading anything from elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
"""HTML pages and their assets (`css/`, `js/`, `img/`)."""
PAGES = {
    "": "recordings.html",
    "login": "login.html",
    "upload": "upload.html",
    "voiceprints": "voiceprints.html",
    "search": "search.html",
    "speaker": "speaker.html",
}
"""`/ui/<name>` -> page file; the editor is `/ui/editor/<recording id>`, the minutes `/ui/minutes/<recording id>`."""
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui")
def ui_root() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)


@router.get("/ui/editor/{recording_id}")
def editor(recording_id: str) -> FileResponse:
    """The transcript editor; the page reads the recording id from its own URL."""
    return _page("editor.html")


@router.get("/ui/minutes/{recording_id}")
def minutes(recording_id: str) -> FileResponse:
    """The minutes (biên bản) of a recording; the page reads the recording id from its own URL."""
    return _page("minutes.html")


def _add_page(path: str, filename: str) -> None:
    async def page() -> FileResponse:
        return _page(filename)

    router.add_api_route(f"/ui/{path}", page, methods=["GET"], name=f"ui_{path or 'home'}")


for _path, _file in PAGES.items():
    _add_page(_path, _file)


def mount_static(app: FastAPI) -> None:
    """Scripts, styles and images under `/ui/static/` (revalidated on each load: `no-cache` via ETag)."""
    app.mount("/ui/static", StaticFiles(directory=STATIC, check_dir=True), name="ui-static")
