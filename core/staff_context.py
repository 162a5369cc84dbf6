"""The typed context of the staff API (staff_app.py): the runtime, the request and the staff key that made it."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from core.errors import forbidden
from core.i18n import requested_language
from core.loaders import Loaders
from core.runtime import Runtime
from models import StaffKey
from models.enums import Language, StaffScope


@dataclass
class StaffContext:
    runtime: Runtime
    request: Request
    key: StaffKey
    loaders: Loaders = field(default_factory=Loaders)

    @property
    def language(self) -> Language:
        """Messages in the language the request asks for (Accept-Language), else English: staff tools are the
        provider's own software, which reads codes; customers' mail follows each customer's language."""
        return requested_language(self.request.headers.get("accept-language")) or Language.EN

    @property
    def ip_address(self) -> str | None:
        return self.request.client.host if self.request.client else None

    @property
    def actor(self) -> str:
        """How the activity log and the audit name who did it."""
        return f"Staff key {self.key.id} ({self.key.name})"

    def require(self, scope: StaffScope) -> None:
        if scope.value not in self.key.scopes:
            raise forbidden(f"This staff key lacks the {scope.value} scope.")
