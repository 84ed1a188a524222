"""Security log: staff logins, logouts and failed attempts.

Only the username and the client's IP address are written; never a password, a
request body or anything a patient typed. Usernames are what a person typed at a
login form, so they are trimmed and stripped of control characters before logging
(nobody can forge extra log lines).
"""

import logging

from django.contrib.auth import get_user_model

from clinic.client_address import client_ip

logger = logging.getLogger("clinic.security")

_MAX_USERNAME = 150


def _clean(value) -> str:
    text = "" if value is None else str(value)
    text = "".join(ch if ch.isprintable() else "?" for ch in text[:_MAX_USERNAME])
    return text or "-"


def _ip(request) -> str:
    if request is None:
        return "-"
    return client_ip(request) or "-"


def _username(user) -> str:
    if user is None:
        return "-"
    return _clean(user.get_username())


def log_login(sender, request, user, **kwargs):
    logger.info("login succeeded username=%s ip=%s", _username(user), _ip(request))


def log_logout(sender, request, user, **kwargs):
    logger.info("logout username=%s ip=%s", _username(user), _ip(request))


def log_login_failed(sender, credentials, request=None, **kwargs):
    field = get_user_model().USERNAME_FIELD
    username = (credentials or {}).get(field) or (credentials or {}).get("username")
    logger.warning("login failed username=%s ip=%s", _clean(username), _ip(request))


def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    logger.warning(
        "login locked out username=%s ip=%s", _clean(username), _clean(ip_address or _ip(request))
    )


def log_otp_failed(sender, user=None, **kwargs):
    logger.warning("two-factor code rejected username=%s", _username(user))


def log_lockout_lifted(username: str, by) -> None:
    logger.warning("lockout lifted username=%s by=%s", _clean(username), _username(by))
