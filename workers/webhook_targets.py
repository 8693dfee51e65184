"""Where a webhook may be sent: public addresses only, unless the operator's allow-list names the host or network.

A receiver URL chosen by an admin must not turn the server into a probe of its own network (loopback, the
cloud metadata service at 169.254.169.254, private ranges): `last_error` would report what answers there.
Names are resolved and *every* address checked, at registration and again at each send, and the send then
connects to an address that was checked (no second lookup a rebinding DNS server could answer differently).
Numeric host forms (`0x7f000001`, `2130706433`, `127.1`) are resolved as the C library resolves them, so they
are judged by the address they really name.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.errors import InvalidInputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookTargetError(InvalidInputError):
    """The receiver's address is not one webhooks may reach (422 at registration, `last_error` at send time)."""


@dataclass(frozen=True)
class Target:
    """A checked receiver: connect to `address`, say `host` in the Host header and TLS name."""

    scheme: str
    host: str
    port: int
    address: str


def _is_public(address: IPAddress) -> bool:
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    if mapped is not None:
        return _is_public(mapped)
    return address.is_global and not address.is_multicast


def _allowed(host: str, address: IPAddress, allow: Sequence[str]) -> bool:
    for entry in allow:
        if entry.strip().lower() == host:
            return True
        try:
            if address in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            continue  # a host name, compared above
    return False


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookTargetError(f"không phân giải được tên máy “{host}” (cannot resolve the webhook host)") from exc
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))


def check_target(url: str, allow: Sequence[str] = ()) -> Target:
    """The URL's receiver if every address its host resolves to is public or allow-listed; else WebhookTargetError."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = -1
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or not host or not 0 < port < 65536:
        raise WebhookTargetError("địa chỉ webhook phải là http(s)://máy[:cổng]/… (webhook URL must be http or https)")
    addresses = _resolve(host, port)
    refused = [str(a) for a in addresses if not _is_public(a) and not _allowed(host, a, allow)]
    if refused or not addresses:
        raise WebhookTargetError(
            f"webhook không được gửi tới địa chỉ nội bộ hoặc dành riêng ({', '.join(refused)}); người vận hành có "
            "thể cho phép bằng GOBANG_WEBHOOKS__ALLOW_HOSTS (private, loopback or link-local webhook address)"
        )
    return Target(scheme=parts.scheme, host=host, port=port, address=str(addresses[0]))
