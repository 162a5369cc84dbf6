"""The unsubscribe link of promotions (NOTES): a token naming (account, address, category), nothing stored.

The token is the account, the category and a keyed hash (runtime.secrets) of the three with the recipient's
address, which it does not show: checking it means hashing each address on file in that account and comparing in
constant time. It never expires; it stops working when the address is no longer on file there (the person moved
to another address, which gets links of its own) or when the key that made it is retired (docs/operations.md).

A promotion goes to one recipient per message (domain/notices), so the delivery worker adds the RFC 8058 headers
(`List-Unsubscribe` with the link, `List-Unsubscribe-Post: List-Unsubscribe=One-Click`) for that recipient.
"""

from __future__ import annotations

from urllib.parse import urlencode

from core.runtime import Runtime
from models import MailMessage
from models.enums import EmailCategory

UNSUBSCRIBABLE = frozenset({EmailCategory.NOTES})
CATEGORIES = frozenset(category.value for category in EmailCategory)
PAGE_PATH = "/baja-avisos"
ONE_CLICK = "List-Unsubscribe=One-Click"


def _signed(account_id: int, address: str, category: EmailCategory) -> str:
    return f"unsubscribe\n{account_id}\n{category.value}\n{address.casefold()}"


def unsubscribe_token(runtime: Runtime, account_id: int, address: str, category: EmailCategory) -> str:
    digest = runtime.secrets.digest(_signed(account_id, address, category))
    return f"{account_id}.{category.value}.{digest}"


def unsubscribe_url(runtime: Runtime, account_id: int, address: str, category: EmailCategory) -> str:
    token = unsubscribe_token(runtime, account_id, address, category)
    return f"{runtime.settings.public_base_url.rstrip('/')}{PAGE_PATH}?{urlencode({'token': token})}"


def parse_token(token: str) -> tuple[int, EmailCategory, str] | None:
    """The account, category and digest a token claims; None when it is not shaped like one."""
    account, _, rest = token.strip().partition(".")
    category, _, digest = rest.partition(".")
    if not account.isdecimal() or len(account) > 12 or category not in CATEGORIES or len(digest) != 64:
        return None
    return int(account), EmailCategory(category), digest


def addresses_matching(runtime: Runtime, token: str, addresses: list[str]) -> set[str]:
    """Which of `addresses` (casefolded) the token was made for; every candidate is hashed and compared."""
    parsed = parse_token(token)
    if parsed is None:
        return set()
    account_id, category, digest = parsed
    found = set()
    for address in addresses:
        if runtime.secrets.matches(digest, _signed(account_id, address, category)):
            found.add(address.casefold())
    return found


def list_unsubscribe_headers(runtime: Runtime, message: MailMessage, recipients: list[str]) -> dict[str, str]:
    """RFC 2369/8058 headers for a promotion addressed to one recipient; none for any other message."""
    if message.category not in UNSUBSCRIBABLE or len(recipients) != 1:
        return {}
    url = unsubscribe_url(runtime, message.account_id, recipients[0], EmailCategory(message.category))
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}
