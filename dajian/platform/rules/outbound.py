"""Outbound HTTP (webhooks, notify adapters) only to public addresses, and only to the address checked.

A destination's name is resolved **once**; every address it resolves to must be global
(``ipaddress.ip_address(a).is_global``: not private, loopback, link-local, shared 100.64.0.0/10,
benchmark, multicast, unspecified…), judged on the IPv4 address inside IPv4-mapped, NAT64 and
6to4 IPv6 addresses. An organisation administrator may allow internal destinations
(``organisations.settings["webhook_allow"]``: host names, IPs or CIDRs); cloud metadata services
are refused even then. The request then goes to the checked IP, with the ``Host`` header and the
TLS server name (SNI, certificate check) set to the URL's name, so a DNS answer that changes
between the check and the connection (DNS rebinding) cannot redirect it. Redirects are not followed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from dajian.platform.errors import Forbidden

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, Oracle, Huawei, OpenStack
    "169.254.170.2",  # AWS ECS task credentials
    "169.254.0.23",  # Tencent Cloud
    "100.100.100.200",  # Alibaba Cloud
    "168.63.129.16",  # Azure wire server (a global address)
    "fd00:ec2::254",  # AWS over IPv6
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class DestinationUnreachable(RuntimeError):
    """The name did not resolve; the delivery is retried."""


@dataclass(frozen=True)
class Destination:
    url: str
    host: str  # the URL's host name, sent as Host and as the TLS server name
    address: IPAddress  # the checked address: the one connected to


def embedded(address: IPAddress) -> list[IPAddress]:
    """``address`` and any IPv4 address it carries (``::ffff:127.0.0.1`` → also ``127.0.0.1``)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return [address]
    inner = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in _NAT64:
        inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [address, *(a for a in inner if a is not None)]


def refusal(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> str | None:
    """Why a connection to ``address`` is refused, or ``None`` when it may go ahead."""
    networks = list(allowed)
    for each in embedded(address):
        if each in METADATA:
            return f"{address} is a cloud metadata address: never allowed"
        internal = not each.is_global or each.is_multicast
        if internal and not any(each in n for n in networks if n.version == each.version):
            return (f"the private address {address} (not a public Internet address); "
                    "an organisation administrator must allow it first")
    return None


def parse_allowed(entries: Iterable[str]) -> tuple[set[str], list[IPNetwork]]:
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.lower())
    return names, networks


def resolve(url: str, allowed: Iterable[str]) -> Destination:
    """Check ``url`` and pick the address to connect to (``Forbidden`` if any address is refused)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Forbidden(f"destination {url!r} is not an http(s) URL", reason="destination_refused")
    host = parts.hostname
    names, networks = parse_allowed(allowed)
    addresses = _addresses(host, parts.port or (443 if parts.scheme == "https" else 80))
    host_allowed = host.lower() in names
    for address in addresses:
        reason = refusal(address, networks)
        if reason is not None and not (host_allowed and not _metadata(address)):
            raise Forbidden(f"destination {host} resolves to {reason}", reason="destination_refused")
    return Destination(url=url, host=host, address=addresses[0])


def _metadata(address: IPAddress) -> bool:
    return any(a in METADATA for a in embedded(address))


def _addresses(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise DestinationUnreachable(f"cannot resolve {host}: {exc}") from None
    found = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))
    if not found:
        raise DestinationUnreachable(f"cannot resolve {host}: no address")
    return found


def post(destination: Destination, *, headers: Mapping[str, str], timeout: float, content: bytes | None = None,
         json: Any = None) -> httpx.Response:
    """POST to the checked address of ``destination``; never follows a redirect."""
    url = httpx.URL(destination.url)
    host_header = url.netloc.decode("ascii")
    target = url.copy_with(host=str(destination.address))
    extensions = {"sni_hostname": destination.host} if url.scheme == "https" else {}
    with httpx.Client(follow_redirects=False, timeout=timeout) as client:
        return client.post(target, content=content, json=json, headers={**headers, "Host": host_header},
                           extensions=extensions)
