"""The live task view: a small page the dev backend serves at /dev/tasks (linked from the AppHost's dashboard).

It reads task state only through the REST API (/api/auth/login, /api/tasks, /api/tasks/{id}, /api/tasks/{id}/cancel)
with the token the user signs in with, so it works whatever the backend speaks to executors.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_PATH = "/dev/tasks"
_ASSETS = {"tasks.js": "text/javascript; charset=utf-8", "tasks.css": "text/css; charset=utf-8"}


router = APIRouter()


@router.get(PAGE_PATH, include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC_DIR / "tasks.html", media_type="text/html; charset=utf-8")


@router.get(PAGE_PATH + "/{asset}", include_in_schema=False)
async def asset(asset: str) -> FileResponse:
    if asset not in _ASSETS:
        raise HTTPException(404, "Not found")
    return FileResponse(STATIC_DIR / asset, media_type=_ASSETS[asset])
