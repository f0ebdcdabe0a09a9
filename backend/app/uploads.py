"""Skills and attachments uploaded for the executor to download, kept in memory (one numbering for both)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field


@dataclass
class Skill:
    name: str
    namespace: str
    zip: bytes


@dataclass
class Attachment:
    name: str
    mime_type: str
    content: bytes


@dataclass
class Uploads:
    skills: dict[int, Skill] = field(default_factory=dict)
    attachments: dict[int, Attachment] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def add_skill(self, skill: Skill) -> int:
        skill_id = next(self._ids)
        self.skills[skill_id] = skill
        return skill_id

    def add_attachment(self, attachment: Attachment) -> int:
        attachment_id = next(self._ids)
        self.attachments[attachment_id] = attachment
        return attachment_id

    def find_skills(self, name: str, namespace: str) -> list[tuple[int, Skill]]:
        """The skills of that name, the newest upload first."""
        found = [(i, s) for i, s in self.skills.items() if s.name == name and s.namespace == namespace]
        return sorted(found, key=lambda item: -item[0])
