"""Writing the account's activity history (call it inside the transaction of the change), and reading it in
the caller's language.

Summaries are stored as Spanish text. `summary_in` reads one back in either language: SUMMARIES holds, per
action, the Spanish template it was written with and its English twin; the stored text is matched against
the Spanish one, and the values it held are put into the template of the language asked for, the codes
among them (field names, permissions, recovery methods, what a cancellation deleted) as words of that
language. A summary that matches no template (a cut one, an older wording) is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache

from tortoise.models import Model

from core.context import Context
from core.runtime import Runtime
from models import ActivityEvent
from models.columns import column_length
from models.enums import Language

SYSTEM_ACTOR = "Sistema"
ELLIPSIS = "…"

# action -> its (Spanish, English) templates, the first that matches wins.
SUMMARIES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "account.created": (("Cuenta {client_number} creada", "Account {client_number} created"),),
    "service.created": (("Servicio {service} creado", "Service {service} created"),),
    "service.updated": (("Servicio {service} actualizado: {fields}", "Service {service} updated: {fields}"),),
    "account.client_number_changed": (
        ("Número de cliente cambiado: {old} → {new}", "Client number changed: {old} → {new}"),
    ),
    "session.signed_in": (("Ingreso al panel", "Signed in to the panel"),),
    "session.signed_out": (("Salida del panel", "Signed out of the panel"),),
    "session.sign_in_failed": (("Intento fallido de ingreso con {login}", "Failed sign-in attempt with {login}"),),
    "session.revoked": (("Sesión cerrada desde otra sesión", "Session ended from another session"),),
    "session.ended_after_wrong_passwords": (
        ("Sesión cerrada por claves incorrectas", "Session ended after wrong passwords"),
    ),
    "session.reauthenticated": (
        ("Identidad confirmada con la clave", "Identity confirmed with the password"),
        (
            "Identidad confirmada con la clave y el segundo factor",
            "Identity confirmed with the password and the second factor",
        ),
    ),
    "second_factor.totp_enabled": (
        (
            "Verificación en dos pasos activada (aplicación de autenticación)",
            "Two-step verification turned on (authenticator app)",
        ),
    ),
    "second_factor.totp_disabled": (("Verificación en dos pasos desactivada", "Two-step verification turned off"),),
    "second_factor.recovery_codes_regenerated": (
        ("Códigos de recuperación nuevos generados", "New recovery codes generated"),
    ),
    "second_factor.recovery_code_used": (
        ("Código de recuperación usado (quedan {left})", "Recovery code used ({left} left)"),
    ),
    "second_factor.failed": (("Código de verificación en dos pasos incorrecto", "Wrong two-step verification code"),),
    "second_factor.passkey_added": (("Llave de acceso registrada: {name}", "Passkey registered: {name}"),),
    "second_factor.passkey_removed": (("Llave de acceso eliminada: {name}", "Passkey removed: {name}"),),
    "second_factor.passkey_failed": (("Llave de acceso no aceptada", "Passkey not accepted"),),
    "passkey.counter_not_increased": (
        (
            "Llave de acceso «{name}» rechazada: su contador no avanzó (posible copia del autenticador)",
            "Passkey “{name}” refused: its counter did not go up (possibly a copied authenticator)",
        ),
    ),
    "second_factor.contact_reset": (
        (
            "Verificación en dos pasos de {email} restablecida por el titular",
            "Two-step verification of {email} reset by the holder",
        ),
    ),
    "second_factor.reset_requested": (
        (
            "Restablecimiento de la verificación en dos pasos pedido a soporte",
            "Reset of two-step verification requested from support",
        ),
    ),
    "second_factor.reset_confirmed": (
        (
            "Restablecimiento de la verificación en dos pasos confirmado: se hará el {at}",
            "Reset of two-step verification confirmed: it happens on {at}",
        ),
    ),
    "second_factor.reset_cancelled": (
        ("Restablecimiento de la verificación en dos pasos anulado", "Reset of two-step verification cancelled"),
    ),
    "second_factor.reset_completed": (
        (
            "Verificación en dos pasos del titular restablecida por soporte",
            "The holder's two-step verification reset by support",
        ),
    ),
    "account.contacts_second_factor_required": (
        ("Verificación en dos pasos obligatoria para los contactos", "Two-step verification required of every contact"),
    ),
    "account.contacts_second_factor_optional": (
        ("Verificación en dos pasos opcional para los contactos", "Two-step verification optional for contacts"),
    ),
    "password.changed": (("Clave de acceso cambiada", "Password changed"),),
    "language.changed": (("Idioma preferido: {language}", "Preferred language: {language}"),),
    "pin.set": (("PIN de seguridad establecido", "Security PIN set"),),
    "pin.verified": (("PIN verificado por soporte", "PIN verified by support"),),
    "pin.verification_failed": (("PIN incorrecto en verificación de soporte", "Wrong PIN in a support check"),),
    "pin.verification_blocked": (
        ("Verificación de PIN bloqueada por intentos", "PIN checks blocked after too many attempts"),
    ),
    "holder.updated": (("Datos del titular actualizados: {fields}", "Holder details updated: {fields}"),),
    "holder.identity_corrected": (
        ("Corrección de identidad por staff: {fields}", "Identity corrected by staff: {fields}"),
    ),
    "email.change_requested": (("Cambio de email pedido: {old} → {new}", "Email change requested: {old} → {new}"),),
    "email.change_cancelled": (("Cambio de email pendiente anulado", "Pending email change cancelled"),),
    "email.changed": (("Email cambiado: {old} → {new}", "Email changed: {old} → {new}"),),
    "contact.created": (("Contacto creado: {name} <{email}>", "Contact created: {name} <{email}>"),),
    "contact.updated": (("Contacto {email} actualizado: {fields}", "Contact {email} updated: {fields}"),),
    "contact.deleted": (("Contacto eliminado: {name} <{email}>", "Contact deleted: {name} <{email}>"),),
    "contact.invitation_resent": (("Invitación reenviada a {email}", "Invitation sent again to {email}"),),
    "contact.invitation_accepted": (("{email} eligió su clave e ingresó", "{email} chose a password and signed in"),),
    "welcome.resent": (("Enlace de bienvenida reenviado", "Welcome link sent again"),),
    "welcome.accepted": (("Clave elegida con el enlace de bienvenida", "Password chosen with the welcome link"),),
    "api_token.created": (
        ("Token de API creado: {name} ({permissions})", "API token created: {name} ({permissions})"),
    ),
    "api_token.revoked": (("Token de API revocado: {name}", "API token revoked: {name}"),),
    "mail.resent": (("Email reenviado: {subject}", "Email sent again: {subject}"),),
    "mail.promotions_muted": (("El titular dejó de recibir promociones", "The holder stopped receiving promotions"),),
    "mail.promotions_unmuted": (("El titular vuelve a recibir promociones", "The holder receives promotions again"),),
    "mail.unsubscribed": (
        (
            "Baja de promociones con el enlace del email: {email}",
            "Unsubscribed from promotions with the email's link: {email}",
        ),
    ),
    "recovery.requested": (("Recuperación de acceso pedida ({method})", "Access recovery requested ({method})"),),
    "recovery.confirmed": (
        (
            "Acceso recuperado: clave temporal enviada por email, sesiones y claves de API revocadas",
            "Access recovered: temporary password sent by email, sessions and API keys revoked",
        ),
    ),
    "cancellation.requested": (("Baja solicitada: {service}", "Cancellation requested: {service}"),),
    "cancellation.code_resent": (
        ("Nuevo código de confirmación de baja: {service}", "New cancellation confirmation code: {service}"),
    ),
    "cancellation.confirmed": (("Baja confirmada: {service}", "Cancellation confirmed: {service}"),),
    "cancellation.withdrawn": (("Solicitud de baja retirada: {service}", "Cancellation request withdrawn: {service}"),),
    "cancellation.expired": (
        ("Solicitud de baja vencida sin confirmar: {service}", "Cancellation request expired unconfirmed: {service}"),
    ),
    "cancellation.completed": (
        ("Baja completada por facturación: {service}", "Cancellation completed by billing: {service}"),
        ("Baja completada ({deleted}): {service}", "Cancellation completed ({deleted}): {service}"),
        ("Baja completada: {service}", "Cancellation completed: {service}"),
    ),
    "cancellation.deprovision_requested": (
        (
            "Eliminación del contenido pedida al proveedor: {service}",
            "Content deletion requested from the provider: {service}",
        ),
    ),
    "cancellation.overdue": (
        (
            "Baja en proceso: el proveedor está completando la baja: {service}",
            "Cancellation in progress: the provider is completing it: {service}",
        ),
    ),
    "service.status": (
        ("Servicio activado por facturación: {service}", "Service activated by billing: {service}"),
        ("Servicio suspendido por facturación: {service}", "Service suspended by billing: {service}"),
        ("Servicio dado de baja por facturación: {service}", "Service terminated by billing: {service}"),
        (
            "Servicio activado por facturación; si se retira la baja queda así: {service}",
            "Service activated by billing; if the cancellation is withdrawn it stays so: {service}",
        ),
        (
            "Servicio suspendido por facturación; si se retira la baja queda así: {service}",
            "Service suspended by billing; if the cancellation is withdrawn it stays so: {service}",
        ),
    ),
    "renewal.off": (("Renovación desactivada: {service}", "Renewal turned off: {service}"),),
    "renewal.on": (("Renovación reactivada: {service}", "Renewal turned back on: {service}"),),
    "renewal.ended": (
        (
            "Servicio terminado sin renovar ({deleted}): {service}",
            "Service ended without renewal ({deleted}): {service}",
        ),
        ("Servicio terminado sin renovar: {service}", "Service ended without renewal: {service}"),
    ),
}

# Codes stored inside summaries -> (Spanish, English) words.
FIELD_NAMES: Mapping[str, tuple[str, str]] = {
    "first_name": ("nombre", "first name"),
    "last_name": ("apellido", "last name"),
    "company_name": ("empresa", "company"),
    "email": ("email", "email"),
    "phone": ("teléfono", "phone"),
    "language": ("idioma", "language"),
    "active": ("acceso al panel", "panel access"),
    "permissions": ("permisos", "permissions"),
    "email_categories": ("emails que recibe", "emails received"),
    "national_id_type": ("tipo de documento", "ID type"),
    "national_id": ("documento", "ID number"),
    "tax_id_type": ("tipo de identificación fiscal", "tax ID type"),
    "tax_id": ("identificación fiscal", "tax ID"),
    "street": ("calle", "street"),
    "neighborhood": ("barrio o colonia", "neighbourhood"),
    "city": ("ciudad", "city"),
    "state": ("provincia o estado", "state or province"),
    "postal_code": ("código postal", "postal code"),
    "country_code": ("país", "country"),
    "kind": ("tipo", "kind"),
    "name": ("nombre", "name"),
    "domain": ("dominio", "domain"),
    "next_due_date": ("vencimiento", "due date"),
    "recurring_amount": ("importe", "amount"),
    "currency": ("moneda", "currency"),
    "payment_method": ("forma de pago", "payment method"),
}
PERMISSION_NAMES: Mapping[str, tuple[str, str]] = {
    "PROFILE": ("datos de la cuenta", "account details"),
    "CONTACTS": ("contactos", "contacts"),
    "SERVICES": ("ver servicios", "view services"),
    "MANAGE_SERVICES": ("gestionar servicios", "manage services"),
    "MAIL": ("emails recibidos", "received emails"),
    "SECURITY": ("seguridad", "security"),
    "sin permisos": ("sin permisos", "no permissions"),
}
RECOVERY_METHODS: Mapping[str, tuple[str, str]] = {
    "DOMAIN": ("por dominio", "by domain"),
    "CLIENT_NUMBER": ("por número de cliente", "by client number"),
    "PRIMARY_EMAIL": ("por email principal", "by primary email"),
    "SUPPORT": ("por soporte", "by support"),  # support sent the link (domain/support)
}
LANGUAGE_NAMES: Mapping[str, tuple[str, str]] = {"español": ("español", "Spanish"), "inglés": ("inglés", "English")}
# What the default deprovisioning hook (core/deprovision) reports, "<item> of <service>"; a provider's own
# hook may report other words, shown as they are.
DELETED_ITEMS: Mapping[str, tuple[str, str]] = {
    "site content": ("contenido del sitio", "site content"),
    "databases": ("bases de datos", "databases"),
    "mailboxes": ("casillas de email", "mailboxes"),
    "DNS zone": ("zona DNS", "DNS zone"),
    "email forwarding": ("reenvíos de email", "email forwarding"),
    "virtual server": ("servidor virtual", "virtual server"),
    "disks": ("discos", "disks"),
    "backups": ("copias de seguridad", "backups"),
    "service data": ("datos del servicio", "service data"),
}
ACTORS: Mapping[str, tuple[str, str]] = {
    SYSTEM_ACTOR: (SYSTEM_ACTOR, "System"),
    "Recuperación de acceso": ("Recuperación de acceso", "Access recovery"),
    "Staff": ("Personal del proveedor", "Staff"),  # domain.staff's and support's PIN checks
    "Enlace de baja": ("Enlace de baja", "Unsubscribe link"),  # domain.mail_preferences: the promotions' link
}


def _word(table: Mapping[str, tuple[str, str]], text: str, language: Language) -> str:
    pair = table.get(text.strip())
    return text if pair is None else pair[1] if language == Language.EN else pair[0]


def _words(table: Mapping[str, tuple[str, str]], separator: str) -> Callable[[str, Language], str]:
    return lambda text, language: separator.join(_word(table, part, language) for part in text.split(separator))


def _deleted(text: str, language: Language) -> str:
    parts = []
    for part in text.split("; "):
        item, of, target = part.partition(" of ")
        known = DELETED_ITEMS.get(item)
        if known is None or not of:
            parts.append(part)
        else:
            parts.append(f"{known[1]} of {target}" if language == Language.EN else f"{known[0]} de {target}")
    return "; ".join(parts)


# Placeholder -> how its stored value reads in each language (the others are data: names, emails, subjects).
VALUES: Mapping[str, Callable[[str, Language], str]] = {
    "fields": _words(FIELD_NAMES, ", "),
    "permissions": _words(PERMISSION_NAMES, ", "),
    "method": lambda text, language: _word(RECOVERY_METHODS, text, language),
    "language": lambda text, language: _word(LANGUAGE_NAMES, text, language),
    "deleted": _deleted,
}


@cache
def _pattern(spanish: str) -> re.Pattern[str]:
    """The Spanish template as a regular expression: each {placeholder} a named group."""
    pieces = re.split(r"\{(\w+)\}", spanish)
    regex = "".join(re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+?)" for index, piece in enumerate(pieces))
    return re.compile(f"{regex}$", re.DOTALL)


def summary_in(action: str, stored: str, language: Language) -> str:
    """The stored summary of an `action` in `language`; as stored when no template of the action matches."""
    for spanish, english in SUMMARIES.get(action, ()):
        found = _pattern(spanish).match(stored)
        if found is None:
            continue
        values = {
            name: VALUES[name](value, language) if name in VALUES else value
            for name, value in found.groupdict().items()
        }
        return (english if language == Language.EN else spanish).format(**values)
    return stored


def actor_in(actor: str, language: Language) -> str:
    """Who acted, in `language`: the system's own names translated, a person's name as it is."""
    return _word(ACTORS, actor, language) if actor in ACTORS else actor


def fit(model: type[Model], field_name: str, text: str) -> str:
    """`text` cut with an ellipsis to the column's own max_length, so composed strings (a person's
    names, a token's name) never make the write that records them fail."""
    limit = column_length(model, field_name)
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


async def record(
    ctx: Context, action: str, summary: str, *, account_id: int | None = None, actor: str | None = None
) -> None:
    """An event by whoever acts in `ctx` (or `actor`), with the request's IP and user agent."""
    principal = ctx.principal
    target = account_id if account_id is not None else principal.account_id if principal else None
    if target is None:
        raise ValueError("record() needs an account: nobody is signed in")
    await _create(
        ctx.runtime,
        target,
        actor or (principal.actor if principal else SYSTEM_ACTOR),
        action,
        summary,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
    )


async def record_system(
    runtime: Runtime, account_id: int, action: str, summary: str, actor: str = SYSTEM_ACTOR
) -> None:
    """An event by the system or staff (workers, the CLI): no request behind it."""
    await _create(runtime, account_id, actor, action, summary)


async def record_system_many(
    runtime: Runtime, events: Sequence[tuple[int, str, str]], actor: str = SYSTEM_ACTOR
) -> None:
    """Many events by the system or staff, each (account id, action, summary), in one INSERT (a bulk sync's)."""
    await ActivityEvent.bulk_create(
        [_event(runtime, account_id, actor, action, summary) for account_id, action, summary in events]
    )


async def _create(
    runtime: Runtime,
    account_id: int,
    actor: str,
    action: str,
    summary: str,
    *,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> None:
    await _event(runtime, account_id, actor, action, summary, ip_address=ip_address, user_agent=user_agent).save()


def _event(
    runtime: Runtime,
    account_id: int,
    actor: str,
    action: str,
    summary: str,
    *,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> ActivityEvent:
    return ActivityEvent(
        account_id=account_id,
        at=runtime.clock.now(),
        actor=fit(ActivityEvent, "actor", actor),
        action=action,
        summary=fit(ActivityEvent, "summary", summary),
        ip_address=ip_address,
        user_agent=fit(ActivityEvent, "user_agent", user_agent) if user_agent else None,
    )
