"""The visitor's internet address: the one place that decides it, for every feature.

Rate limits (django-ratelimit's ``"ip"`` key, through ``RATELIMIT_IP_META_KEY``),
the cap on held times per address (``booking.services.hold_slot``), the address
stored on an appointment, staff lockouts and django-axes' access records
(``AXES_CLIENT_IP_CALLABLE``) and the security log (``clinic/signals.py``) all ask
``client_ip``. Nothing else reads ``REMOTE_ADDR`` or ``X-Forwarded-For``.

Behind reverse proxies, ``REMOTE_ADDR`` is the nearest proxy, the same for every
visitor. Each proxy appends the address it received the request from to
``X-Forwarded-For``, so with ``TRUSTED_PROXY_COUNT = n`` the visitor is the n-th
entry from the right: the one our own outermost proxy saw. Entries further left are
whatever the client chose to send, and are never believed.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# The rate limits' budget for a request whose address cannot be told (only possible
# when the server is misconfigured, e.g. a Unix socket without a trusted proxy):
# such requests share one budget rather than escaping the limits.
UNKNOWN_ADDRESS = "0.0.0.0"


def _normalised(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:203.0.113.5) is the IPv4 client.
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's IP address, or None when the request does not tell it.

    With ``TRUSTED_PROXY_COUNT = n > 0``, the n-th entry from the right of
    X-Forwarded-For; when the header has fewer entries (a request that did not come
    through the proxies) or that entry is not an address, ``REMOTE_ADDR``. With 0,
    always ``REMOTE_ADDR``: a forwarded header is then the client's own claim.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            forwarded = _normalised(hops[-count])
            if forwarded:
                return forwarded
    return _normalised(request.META.get("REMOTE_ADDR") or "")


def rate_limit_address(request: HttpRequest) -> str:
    """``client_ip`` for django-ratelimit's ``"ip"`` key (``RATELIMIT_IP_META_KEY``).

    django-ratelimit needs an address; an unknown one counts as ``UNKNOWN_ADDRESS``.
    It then groups IPv6 addresses by their /64 network, which one household or phone
    usually has to itself.
    """
    return client_ip(request) or UNKNOWN_ADDRESS
