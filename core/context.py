"""The typed context every resolver receives, and who is acting (the principal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import Response

from core.errors import forbidden, password_change_required, second_factor_enrolment_required, unauthenticated
from core.i18n import requested_language
from core.loaders import Loaders
from core.runtime import Runtime
from models.enums import Language, Permission


@dataclass(frozen=True, slots=True)
class Principal:
    """The holder (contact_id None) or a contact, signed in by a session or an API token."""

    account_id: int
    contact_id: int | None
    session_id: int | None
    api_token_id: int | None
    permissions: frozenset[Permission]
    must_change_password: bool
    language: Language
    actor: str
    # When a session's person last proved who they are (sign-in, reauthenticate); None for tokens.
    authenticated_at: datetime | None = None
    # A contact without a second factor while the holder requires one for contacts (domain/factor_rule).
    must_enrol_second_factor: bool = False

    @property
    def is_holder(self) -> bool:
        return self.contact_id is None


@dataclass
class Context:
    runtime: Runtime
    request: HTTPConnection
    response: Response | None
    principal: Principal | None
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(default_factory=Loaders)

    @property
    def language(self) -> Language:
        """API messages: the language the request asks for (Accept-Language), else the person's stored
        preference, else Spanish. Emails follow each recipient's stored preference instead (core/mail)."""
        requested = requested_language(self.request.headers.get("accept-language"))
        if requested is not None:
            return requested
        return self.principal.language if self.principal is not None else Language.ES

    @property
    def ip_address(self) -> str | None:
        return self.request.client.host if self.request.client else None

    @property
    def user_agent(self) -> str | None:
        agent = self.request.headers.get("user-agent")
        return agent[:300] if agent else None

    @property
    def acting(self) -> Principal:
        """Who acts, once the field's declaration (schema/permissions) let the request through."""
        if self.principal is None:
            raise unauthenticated()
        return self.principal

    def require(
        self,
        permission: Permission | None = None,
        *,
        allow_password_change: bool = False,
        allow_enrolment: bool = False,
    ) -> Principal:
        """The principal, if signed in, not held back by a pending password change or a second factor to enrol
        (an API token is held back from everything then: only a session enrols), and allowed."""
        principal = self.principal
        if principal is None:
            raise unauthenticated()
        if principal.must_change_password and not allow_password_change:
            raise password_change_required()
        if principal.must_enrol_second_factor and (principal.api_token_id is not None or not allow_enrolment):
            raise second_factor_enrolment_required()
        if permission is not None and permission not in principal.permissions:
            raise forbidden()
        return principal
