"""Support tools on the staff API (scope SUPPORT): find an account, check a caller's PIN, correct the holder's
identity, send a recovery link. The same domain functions as `cli.py verify-pin` and `correct-identity`.

The audit records each call (never its variables: a PIN is one); the account's activity names the staff key.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry.utils.str_converters import to_camel_case

from core.outcome import Outcome
from core.staff_context import StaffContext
from domain import auth, factor_reset, holder, support
from domain.factor_reset import FactorResetError
from domain.support import LookupBy, SupportError
from models import Holder
from models.enums import CancellationStatus, NationalIdType, ServiceStatus, StaffScope
from schema.staff.common import staff_errors
from schema.staff.scopes import scoped

strawberry.enum(SupportError, name="SupportErrorCode")
strawberry.enum(FactorResetError, name="FactorResetErrorCode")


@strawberry.type(description="Why a support operation was refused.")
class SupportOperationError:
    field: list[str] | None
    code: SupportError
    message: str
    retry_after: int | None = strawberry.field(
        default=None, description="Seconds to wait; set on TOO_MANY_ATTEMPTS and RATE_LIMITED, null otherwise."
    )


@strawberry.type(description="Why a reset of the holder's second factors was refused.")
class FactorResetOperationError:
    field: list[str] | None
    code: FactorResetError
    message: str
    retry_after: int | None = strawberry.field(
        default=None, description="Seconds to wait; set on TOO_MANY_ATTEMPTS, null otherwise."
    )


E = TypeVar("E", SupportOperationError, FactorResetOperationError)


def _errors(
    info: strawberry.Info[StaffContext, None],
    outcome: Outcome[Any],
    error_type: type[E] = SupportOperationError,  # type: ignore[assignment]
    codes: type[Enum] = SupportError,
) -> list[E]:
    errors = staff_errors(info.context, outcome, error_type, codes)
    for error, failure in zip(errors, outcome.failures, strict=True):
        seconds = failure.values.get("seconds")
        error.retry_after = seconds if isinstance(seconds, int) else None
    return errors


@strawberry.input(one_of=True, description="Exactly one: matched exactly after normalisation, never as a pattern.")
class AccountLookupBy:
    client_number: str | None = strawberry.UNSET
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="The holder's or a contact's email (several accounts may match)."
    )
    domain: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="A service's domain, as typed by a customer: www., a URL, Unicode or xn--, or a host under it.",
    )


@strawberry.type
class SupportService:
    name: str
    domain: str | None
    status: ServiceStatus
    due_date: date | None
    open_cancellation: CancellationStatus | None = strawberry.field(
        description="The status of the service's open cancellation request, if any."
    )


@strawberry.type
class SupportContact:
    name: str
    email: str
    email_deliverable: bool
    active: bool = strawberry.field(description="Whether the contact may sign in to the panel.")


@strawberry.type(description="What support sees of an account: enough to recognise a caller, nothing secret.")
class SupportAccount:
    client_number: str
    external_id: str | None = strawberry.field(description="The billing system's own reference.")
    holder_name: str
    holder_email: str
    email_deliverable: bool = strawberry.field(description="False once an SMTP server refused the holder's email.")
    has_pin: bool = strawberry.field(description="Whether the holder set a security PIN (pinVerify checks it).")
    last_sign_in_at: datetime | None = strawberry.field(description="The holder's last sign-in to the panel.")
    services: list[SupportService]
    contacts: list[SupportContact]

    @classmethod
    def of(cls, view: support.AccountView) -> SupportAccount:
        return cls(
            client_number=view.account.client_number,
            external_id=view.account.external_id,
            holder_name=f"{view.holder.first_name} {view.holder.last_name}",
            holder_email=view.holder.email,
            email_deliverable=view.email_deliverable,
            has_pin=view.has_pin,
            last_sign_in_at=view.last_sign_in_at,
            services=[
                SupportService(
                    name=s.name,
                    domain=s.domain,
                    status=s.status,
                    due_date=s.next_due_date,
                    open_cancellation=s.open_cancellation,
                )
                for s in view.services
            ],
            contacts=[
                SupportContact(
                    name=f"{c.first_name} {c.last_name}",
                    email=c.email,
                    email_deliverable=c.email_deliverable,
                    active=c.active,
                )
                for c in view.contacts
            ],
        )


@strawberry.input
class PinVerifyInput:
    client_number: str
    pin: str


@strawberry.type
class PinVerifyPayload:
    correct: bool | None = strawberry.field(description="Whether the PIN matched; null when refused (errors).")
    errors: list[SupportOperationError]


@strawberry.input(description="The fields to correct; those left out stay as they are.")
class HolderIdentityCorrectInput:
    client_number: str
    first_name: str | None = None
    last_name: str | None = None
    national_id_type: NationalIdType | None = None
    national_id: str | None = None
    tax_id_type: NationalIdType | None = None
    tax_id: str | None = None


@strawberry.type(description="The holder's identity as stored.")
class SupportHolderIdentity:
    first_name: str
    last_name: str
    national_id_type: NationalIdType | None
    national_id: str | None
    tax_id_type: NationalIdType | None
    tax_id: str | None
    version: int

    @classmethod
    def of(cls, row: Holder) -> SupportHolderIdentity:
        return cls(
            first_name=row.first_name,
            last_name=row.last_name,
            national_id_type=NationalIdType(row.national_id_type) if row.national_id_type else None,
            national_id=row.national_id,
            tax_id_type=NationalIdType(row.tax_id_type) if row.tax_id_type else None,
            tax_id=row.tax_id,
            version=row.version,
        )


@strawberry.type
class HolderIdentityCorrectPayload:
    holder: SupportHolderIdentity | None
    changed: list[str] = strawberry.field(description="The fields whose value changed (camelCase); [] if none.")
    errors: list[SupportOperationError]


@strawberry.enum(description="Who receives the recovery link: the addresses on file only.")
class RecoveryLinkRecipient(Enum):
    HOLDER = "HOLDER"
    CONTACT = "CONTACT"


@strawberry.input
class RecoveryLinkSendInput:
    client_number: str
    to: RecoveryLinkRecipient
    contact_email: str | None = strawberry.field(
        default=None, description="With to: CONTACT, which of the account's active contacts."
    )


@strawberry.type
class RecoveryLinkSendPayload:
    sent_to: str | None = strawberry.field(description="The address on file the link was mailed to.")
    errors: list[SupportOperationError]


@strawberry.input
class HolderSecondFactorResetStartInput:
    client_number: str
    pin: str = strawberry.field(description="The security PIN the caller gives.")


@strawberry.type
class HolderSecondFactorResetStartPayload:
    sent_to: str | None = strawberry.field(description="The holder's primary email, where the link went.")
    errors: list[FactorResetOperationError]


@strawberry.type
class Query:
    @strawberry.field(
        description="The accounts a client number, an email or a domain names exactly ([] when none).",
        extensions=scoped(StaffScope.SUPPORT),
    )
    async def account_lookup(self, by: AccountLookupBy) -> list[SupportAccount]:
        given = [
            (kind, value)
            for kind, value in (
                (LookupBy.CLIENT_NUMBER, by.client_number),
                (LookupBy.EMAIL, by.email),
                (LookupBy.DOMAIN, by.domain),
            )
            if isinstance(value, str)
        ]
        views = await support.lookup(*given[0]) if given else []
        return [SupportAccount.of(view) for view in views]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Check the security PIN a caller gives (a few checks per account an hour: TOO_MANY_ATTEMPTS"
        " with retryAfter); the holder is emailed that support checked it. INVALID_STATE: the holder set no PIN.",
        extensions=scoped(StaffScope.SUPPORT),
    )
    async def pin_verify(self, info: strawberry.Info[StaffContext, None], input: PinVerifyInput) -> PinVerifyPayload:
        verdict = await auth.verify_pin(info.context.runtime, input.client_number, input.pin, info.context.actor)
        return PinVerifyPayload(correct=verdict.value, errors=_errors(info, verdict))

    @strawberry.mutation(
        description="Correct a mistake in the holder's names or ids (not a change of ownership); billing gets"
        " holder.updated.",
        extensions=scoped(StaffScope.SUPPORT),
    )
    async def holder_identity_correct(
        self, info: strawberry.Info[StaffContext, None], input: HolderIdentityCorrectInput
    ) -> HolderIdentityCorrectPayload:
        correction = holder.IdentityCorrection(
            first_name=input.first_name,
            last_name=input.last_name,
            national_id_type=input.national_id_type,
            national_id=input.national_id,
            tax_id_type=input.tax_id_type,
            tax_id=input.tax_id,
        )
        corrected = await holder.correct_identity(
            info.context.runtime, input.client_number, correction, info.context.actor
        )
        if corrected.value is None:
            return HolderIdentityCorrectPayload(holder=None, changed=[], errors=_errors(info, corrected))
        return HolderIdentityCorrectPayload(
            holder=SupportHolderIdentity.of(corrected.value.holder),
            changed=[to_camel_case(name) for name in corrected.value.changed],
            errors=[],
        )

    @strawberry.mutation(
        description="Mail the access-recovery link to the holder's, or an active contact's, address on file.",
        extensions=scoped(StaffScope.SUPPORT),
    )
    async def recovery_link_send(
        self, info: strawberry.Info[StaffContext, None], input: RecoveryLinkSendInput
    ) -> RecoveryLinkSendPayload:
        to_contact = input.to == RecoveryLinkRecipient.CONTACT
        sent = await support.send_recovery_link(
            info.context.runtime,
            input.client_number,
            (input.contact_email or "") if to_contact else None,
            info.context.actor,
        )
        return RecoveryLinkSendPayload(sent_to=sent.value, errors=_errors(info, sent))

    @strawberry.mutation(
        description="Start resetting the HOLDER's lost second factors (never a contact's: the holder resets "
        "those): after the right security PIN (checked as pinVerify checks it), a confirmation link goes to the "
        "holder's primary email; once confirmed, the reset happens after FACTOR_RESET_WAIT_HOURS unless "
        "cancelled. INVALID_CREDENTIALS: wrong PIN; INVALID_STATE: no PIN set or no factor to reset; "
        "ALREADY_PENDING: a reset is under way.",
        extensions=scoped(StaffScope.SUPPORT),
    )
    async def holder_second_factor_reset_start(
        self, info: strawberry.Info[StaffContext, None], input: HolderSecondFactorResetStartInput
    ) -> HolderSecondFactorResetStartPayload:
        started = await factor_reset.start(info.context.runtime, input.client_number, input.pin, info.context.actor)
        return HolderSecondFactorResetStartPayload(
            sent_to=started.value, errors=_errors(info, started, FactorResetOperationError, FactorResetError)
        )
