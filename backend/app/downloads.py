"""Skills and attachments the executor downloads (PROTOCOL.md section 6); tests upload them here."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Response
from pydantic import BaseModel

from . import dependencies as deps
from .uploads import Attachment, Skill, Uploads


class SkillUpload(BaseModel):
    name: str
    namespace: str = "default"
    zip_base64: str


class SkillUploaded(BaseModel):
    id: int
    name: str
    namespace: str


class SkillMetadata(BaseModel):
    name: str
    namespace: str
    labels: dict[str, str]


class SkillResource(BaseModel):
    """A Skill as the backend's kinds API lists it."""
    apiVersion: str = "agent.wecode.io/v1"
    kind: str = "Skill"
    metadata: SkillMetadata


class SkillList(BaseModel):
    items: list[SkillResource]


class AttachmentUpload(BaseModel):
    original_filename: str
    content_base64: str
    mime_type: str = "application/octet-stream"


class AttachmentUploaded(BaseModel):
    id: int
    original_filename: str
    file_extension: str
    file_size: int
    mime_type: str


def _decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(422, "not valid base64") from None


router = APIRouter(prefix="/api", dependencies=[Depends(deps.current_user)])


@router.post("/v1/kinds/skills")
async def upload_skill(body: SkillUpload, uploads: Uploads = Depends(deps.uploads)) -> SkillUploaded:
    skill_id = uploads.add_skill(Skill(body.name, body.namespace, _decode(body.zip_base64)))
    return SkillUploaded(id=skill_id, name=body.name, namespace=body.namespace)


@router.get("/v1/kinds/skills")
async def find_skills(name: str, namespace: str = "default", uploads: Uploads = Depends(deps.uploads)) -> SkillList:
    return SkillList(items=[
        SkillResource(metadata=SkillMetadata(name=skill.name, namespace=skill.namespace, labels={"id": str(skill_id)}))
        for skill_id, skill in uploads.find_skills(name, namespace)])


@router.get("/v1/kinds/skills/{skill_id}/download")
async def download_skill(skill_id: int, namespace: str = "default",
                         uploads: Uploads = Depends(deps.uploads)) -> Response:
    skill = uploads.skills.get(skill_id)
    if skill is None or skill.namespace != namespace:
        raise HTTPException(404, f"Skill {skill_id} not found")
    return Response(skill.zip, media_type="application/zip",
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(skill.name)}.zip"})


@router.post("/attachments")
async def upload_attachment(body: AttachmentUpload, uploads: Uploads = Depends(deps.uploads)) -> AttachmentUploaded:
    content = _decode(body.content_base64)
    attachment_id = uploads.add_attachment(Attachment(body.original_filename, body.mime_type, content))
    extension = body.original_filename.rpartition(".")[2] if "." in body.original_filename else ""
    return AttachmentUploaded(id=attachment_id, original_filename=body.original_filename, file_extension=extension,
                              file_size=len(content), mime_type=body.mime_type)


@router.get("/attachments/{attachment_id}/executor-download")
async def download_attachment(attachment_id: int, uploads: Uploads = Depends(deps.uploads)) -> Response:
    attachment = uploads.attachments.get(attachment_id)
    if attachment is None:
        raise HTTPException(404, f"Attachment {attachment_id} not found")
    return Response(attachment.content, media_type=attachment.mime_type,
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(attachment.name)}"})
