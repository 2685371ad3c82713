"""Who is using the app, in team mode: the user the reverse proxy signed in.

Team mode is on when ``VENTURE_LAB_USER_HEADER`` names a request header (``X-Forwarded-User`` in
deploy/nginx.conf, set from nginx's ``$remote_user`` after basic auth; an OIDC proxy sets its own,
docs/deploy.md). Anyone who can reach a replica directly could send that header too, so it is
believed only when the same request carries the shared secret that nginx adds
(``X-Venture-Lab-Proxy-Secret``, whose value is ``VENTURE_LAB_PROXY_SECRET``). Without both the app
shows "sign-in required" and opens no store. Streamlit hands the app the headers of the request
that opened the session's WebSocket (``st.context.headers``), which passed through nginx.

Outside team mode there is one anonymous user (``None``): the stores allow every change, as on
one machine.
"""

from __future__ import annotations

import hmac
import os
import re
from collections.abc import Mapping

import streamlit as st

from dashboard.i18n import t

USER_HEADER_ENV = "VENTURE_LAB_USER_HEADER"
PROXY_SECRET_ENV = "VENTURE_LAB_PROXY_SECRET"
SECRET_HEADER = "X-Venture-Lab-Proxy-Secret"
# what a proxy's user name may look like (basic-auth names, e-mail addresses, OIDC subjects)
_USER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}")


class NotSignedIn(Exception):
    """Team mode, and the request does not prove a signed-in user."""


def team_mode(env: Mapping[str, str] = os.environ) -> bool:
    return bool((env.get(USER_HEADER_ENV) or "").strip())


def user_from_headers(headers, env: Mapping[str, str] = os.environ) -> str | None:
    """The signed-in user, ``None`` outside team mode; raises :class:`NotSignedIn` when team
    mode is on and the headers lack the proxy's secret or a single well-formed user."""
    if not team_mode(env):
        return None
    secret = env.get(PROXY_SECRET_ENV) or ""
    if not secret:          # a team deployment without a secret would believe anyone's header
        raise NotSignedIn("the server has no proxy secret configured")
    shown = _all(headers, SECRET_HEADER)
    if len(shown) != 1 or not hmac.compare_digest(shown[0].encode(), secret.encode()):
        raise NotSignedIn("the request did not come through the proxy")
    users = _all(headers, env[USER_HEADER_ENV].strip())
    if len(users) != 1 or not _USER_RE.fullmatch(users[0]):
        raise NotSignedIn("the proxy named no user")
    return users[0]


def _all(headers, name: str) -> list[str]:
    """Every value of a header (case-insensitive); a repeated header is not believed."""
    if hasattr(headers, "get_all"):
        return list(headers.get_all(name))
    return [v for k, v in dict(headers).items() if k.lower() == name.lower()]


def current_user() -> str | None:
    """The signed-in user of this session (``None`` outside team mode); in team mode without a
    signed-in user the page shows "sign-in required" and stops here, before any store access."""
    try:
        return user_from_headers(st.context.headers)
    except NotSignedIn:
        st.error(t("auth.sign_in_required"), icon=":material/lock:")
        st.stop()
