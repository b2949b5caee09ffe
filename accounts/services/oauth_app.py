"""Which Zoom OAuth app "Connect with Zoom" uses: its client ID, secret and redirect URI.

Looked up in this order, the first complete one wins:
1. the admin: the one "Zoom OAuth app" row (accounts.ZoomOAuthApp), so the admin stays the place
   that decides;
2. the environment: OAUTH_ZOOM_CLIENT_ID and OAUTH_ZOOM_CLIENT_SECRET (and OAUTH_ZOOM_REDIRECT_URI);
3. the JSON file OAUTH_ZOOM_CONFIG_FILE (default `config/oauth_zoom.json` beside manage.py) with
   `client_id`, `client_secret` and optionally `redirect_uri` — the layout other recording
   services use, so their file can be copied as it is.

A file that cannot be read or is not that JSON is reported (logged, and named in the message
staff see when they press "Connect with Zoom"), never a crash.
"""

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import ZoomOAuthApp

logger = logging.getLogger(__name__)

# Client IDs and secrets are short; a larger "config" file is not one.
MAX_CONFIG_BYTES = 64 * 1024


@dataclass(frozen=True)
class OAuthApp:
    client_id: str
    client_secret: str
    redirect_uri: str  # empty: ZoomHub's own callback URL for the page the flow starts from
    origin: str  # where it was read from, for messages and logs (never the secret)


class OAuthAppConfigError(Exception):
    """The config file exists but cannot be used; the message names the file and the problem."""


def _from_admin() -> OAuthApp | None:
    row = ZoomOAuthApp.objects.order_by("pk").first()
    if row is None or not (row.client_id.strip() and (row.client_secret or "").strip()):
        return None
    return OAuthApp(
        client_id=row.client_id.strip(),
        client_secret=row.client_secret.strip(),
        redirect_uri=row.redirect_uri.strip(),
        origin="admin",
    )


def _from_environment() -> OAuthApp | None:
    client_id = (settings.OAUTH_ZOOM_CLIENT_ID or "").strip()
    client_secret = (settings.OAUTH_ZOOM_CLIENT_SECRET or "").strip()
    if not (client_id and client_secret):
        return None
    return OAuthApp(
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=(settings.OAUTH_ZOOM_REDIRECT_URI or "").strip(),
        origin="environment",
    )


def config_file_path() -> Path:
    return Path(settings.OAUTH_ZOOM_CONFIG_FILE)


def _from_config_file() -> OAuthApp | None:
    path = config_file_path()
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise OAuthAppConfigError(
            _("%(file)s cannot be read (%(why)s).") % {"file": path, "why": error.strerror or error}
        ) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise OAuthAppConfigError(_("%(file)s is too large to be an OAuth app's settings.") % {"file": path})
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise OAuthAppConfigError(_("%(file)s is not valid JSON.") % {"file": path}) from None
    if not isinstance(data, dict):
        raise OAuthAppConfigError(_("%(file)s must hold one JSON object.") % {"file": path})
    values = {}
    for key in ("client_id", "client_secret", "redirect_uri"):
        value = data.get(key, "")
        if not isinstance(value, str):
            raise OAuthAppConfigError(
                _("In %(file)s, %(key)s must be a string.") % {"file": path, "key": key}
            )
        values[key] = value.strip()
    missing = [key for key in ("client_id", "client_secret") if not values[key]]
    if missing:
        raise OAuthAppConfigError(
            _("%(file)s has no %(keys)s.") % {"file": path, "keys": " / ".join(missing)}
        )
    return OAuthApp(origin=str(path), **values)


def oauth_app_or_error() -> OAuthApp | None:
    """The configured OAuth app, None when there is none; OAuthAppConfigError for a broken file."""
    return _from_admin() or _from_environment() or _from_config_file()


def oauth_app() -> OAuthApp | None:
    """The configured OAuth app, or None (a broken config file is logged and counts as none)."""
    try:
        return oauth_app_or_error()
    except OAuthAppConfigError as error:
        logger.warning("Zoom OAuth app not usable: %s", error)
        return None
