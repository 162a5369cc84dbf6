"""Outgoing HTTP requests to URLs that staff configure (webhook endpoints), guarded against SSRF.

The host is resolved at every request; each address it resolves to must be public, or inside
WEBHOOK_ALLOWED_NETWORKS. Refused: loopback, private, link-local, site-local, CGNAT (100.64.0.0/10),
unspecified, multicast and reserved addresses, also when an IPv6 address embeds one (IPv4-mapped, 6to4, NAT64,
Teredo); cloud metadata addresses always, whatever WEBHOOK_ALLOWED_NETWORKS says (no receiver lives there, and
they hand out credentials). The connection goes to the vetted address itself while the Host header and TLS (SNI
and the certificate check) still name the host, so a DNS answer that changes between the check and the
connection (rebinding) cannot send the request elsewhere. For the same reason no connection is kept for
another request: the pool knows a connection by address, not by host name, and would reuse one host's TLS
session for another host on that address. Redirects are not followed, proxies from the environment are not
used, and the response body is never read. Certificates are checked against httpx's public CAs (certifi's
Mozilla bundle), plus WEBHOOK_CA_FILE's when it is set: an internal CA is added, never put in their place.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
from collections.abc import Iterable, Mapping
from urllib.parse import SplitResult, urlsplit, urlunsplit

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA = tuple(
    ipaddress.ip_address(text)
    for text in (
        "169.254.169.254",  # AWS, Google Cloud, Azure, Oracle, DigitalOcean...
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure's host services (WireServer)
    )
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The destination may not be reached; the message says why (it names no secret)."""


def networks(texts: Iterable[str]) -> tuple[IPNetwork, ...]:
    """WEBHOOK_ALLOWED_NETWORKS as networks."""
    return tuple(ipaddress.ip_network(text, strict=False) for text in texts)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (IPv4-mapped, 6to4, NAT64, Teredo's client), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.teredo is not None:
        return address.teredo[1]
    return None


def refusal(address: IPAddress, allowed: tuple[IPNetwork, ...] = ()) -> str | None:
    """Why `address` may not be reached, or None when it may. Metadata addresses come first: no allowed
    network lets a request reach them."""
    embedded = _embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    if address in METADATA or embedded in METADATA:
        return "a cloud metadata address"
    if any(address.version == network.version and address in network for network in allowed):
        return None
    if embedded is not None:
        return refusal(embedded, allowed)
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_multicast, "a multicast address"),
        (address.is_link_local, "a link-local address"),
        (isinstance(address, ipaddress.IPv6Address) and address.is_site_local, "a site-local address"),
        (address.version == 4 and address in CGNAT, "a shared (CGNAT) address"),
        (address.is_private, "a private address"),
        (address.is_reserved or not address.is_global, "not a public address"),
    )
    return next((reason for refused, reason in checks if refused), None)


async def vetted_addresses(host: str, port: int, allowed: tuple[IPNetwork, ...]) -> list[IPAddress]:
    """The addresses to connect to for `host`, resolved now; Refused if any of them is refused."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused("the host name does not resolve") from exc
    addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in infos))
    if not addresses:
        raise Refused("the host name does not resolve")
    for address in addresses:
        if reason := refusal(address, allowed):
            raise Refused(f"the host resolves to {reason}")
    return addresses


async def post(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    allowed: tuple[IPNetwork, ...],
    budget: float,
) -> int:
    """POST `body` to `url` through its vetted addresses, each in turn until one connects; the answer's status
    code (Refused, or httpx's errors). Each address may take its share of what is left of `budget` (seconds)
    to connect, so one that drops the connection silently leaves time for the next."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise Refused("not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host_header = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        host_header += f":{parts.port}"
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    sent_headers = {**headers, "Host": host_header}

    async def through(address: IPAddress, left: int) -> int:
        """The request through `address`, with `left` addresses (this one included) still to try."""
        share = max(deadline - loop.time(), 0) / left
        time_limits = httpx.Timeout(budget, connect=share)
        return await _post_to(client, parts, address, port, body, sent_headers, extensions, time_limits)

    *others, last = await vetted_addresses(host, port, allowed)
    for index, address in enumerate(others):
        with contextlib.suppress(httpx.ConnectError, httpx.ConnectTimeout):
            return await through(address, len(others) + 1 - index)
    return await through(last, 1)


async def _post_to(
    client: httpx.AsyncClient,
    parts: SplitResult,
    address: IPAddress,
    port: int,
    body: bytes,
    headers: Mapping[str, str],
    extensions: dict[str, str],
    time_limits: httpx.Timeout,
) -> int:
    shown = f"[{address}]" if address.version == 6 else str(address)
    target = urlunsplit((parts.scheme, f"{shown}:{port}", parts.path or "/", parts.query, ""))
    async with client.stream(
        "POST", target, content=body, headers=headers, extensions=extensions, timeout=time_limits
    ) as response:
        return response.status_code


def trusted(ca_file: str = "") -> ssl.SSLContext:
    """The certificates outgoing requests trust: httpx's public CAs and, if `ca_file` names one, the PEM
    certificates in it (an operator's internal CA must not cost the public ones). OSError (ssl.SSLError among
    them) when the file cannot be read or holds no certificate; settings.py checks it so at start-up."""
    context = httpx.create_ssl_context(trust_env=False)
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def client(timeout: float, ca_file: str = "") -> httpx.AsyncClient:
    """The HTTP client of outgoing requests: no redirects, no proxies, netrc or CA files from the environment,
    no connection kept for a later request (see the module's docstring), and `trusted(ca_file)`'s CAs."""
    return httpx.AsyncClient(
        timeout=timeout,
        verify=trusted(ca_file),
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )
