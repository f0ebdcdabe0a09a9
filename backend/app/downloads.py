"""Skills and attachments the executor downloads (PROTOCOL.md section 6), kept in memory; tests upload them here."""

from __future__ import annotations

import base64
import binascii
import itertools
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel

from .auth import Authenticator, bearer_token


class SkillUpload(BaseModel):
    name: str
    namespace: str = "default"
    zip_base64: str


class AttachmentUpload(BaseModel):
    original_filename: str
    content_base64: str
    mime_type: str = "application/octet-stream"


def _decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(422, "not valid base64") from None


def build_downloads_router(auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api")
    ids = itertools.count(1)
    skills: dict[int, dict[str, Any]] = {}
    attachments: dict[int, dict[str, Any]] = {}

    def require_user(request: Request) -> str:
        user = auth.user_for(bearer_token(request.headers.get("authorization")))
        if user is None:
            raise HTTPException(401, "Invalid or missing bearer token")
        return user

    @router.post("/v1/kinds/skills")
    async def upload_skill(body: SkillUpload, request: Request) -> dict[str, Any]:
        require_user(request)
        skill_id = next(ids)
        skills[skill_id] = {"name": body.name, "namespace": body.namespace, "zip": _decode(body.zip_base64)}
        return {"id": skill_id, "name": body.name, "namespace": body.namespace}

    @router.get("/v1/kinds/skills")
    async def find_skills(request: Request, name: str, namespace: str = "default") -> dict[str, Any]:
        require_user(request)
        found = [(i, s) for i, s in skills.items() if s["name"] == name and s["namespace"] == namespace]
        found.sort(key=lambda item: -item[0])  # the newest upload first
        return {"items": [{"apiVersion": "agent.wecode.io/v1", "kind": "Skill",
                           "metadata": {"name": s["name"], "namespace": s["namespace"], "labels": {"id": str(i)}}}
                          for i, s in found]}

    @router.get("/v1/kinds/skills/{skill_id}/download")
    async def download_skill(skill_id: int, request: Request, namespace: str = "default") -> Response:
        require_user(request)
        skill = skills.get(skill_id)
        if skill is None or skill["namespace"] != namespace:
            raise HTTPException(404, f"Skill {skill_id} not found")
        return Response(skill["zip"], media_type="application/zip",
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(skill['name'])}.zip"})

    @router.post("/attachments")
    async def upload_attachment(body: AttachmentUpload, request: Request) -> dict[str, Any]:
        require_user(request)
        attachment_id = next(ids)
        content = _decode(body.content_base64)
        attachments[attachment_id] = {"name": body.original_filename, "mime_type": body.mime_type, "content": content}
        extension = body.original_filename.rpartition(".")[2] if "." in body.original_filename else ""
        return {"id": attachment_id, "original_filename": body.original_filename, "file_extension": extension,
                "file_size": len(content), "mime_type": body.mime_type}

    @router.get("/attachments/{attachment_id}/executor-download")
    async def download_attachment(attachment_id: int, request: Request) -> Response:
        require_user(request)
        attachment = attachments.get(attachment_id)
        if attachment is None:
            raise HTTPException(404, f"Attachment {attachment_id} not found")
        return Response(attachment["content"], media_type=attachment["mime_type"],
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(attachment['name'])}"})

    return router
