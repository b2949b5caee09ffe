"""Every write and every Zoom call of the accounts app (see docs/development.md, "Inside an app").

`credential_client(credential=...)` is the one way other apps get a Zoom client for a
connected account.
"""

from accounts.services.checks import CheckResult, credential_check
from accounts.services.credentials import (
    credential_create,
    credential_deauthorize,
    credential_disconnect,
    credential_update,
)
from accounts.services.hosts import (
    NoDefaultHost,
    credential_default_host,
    credential_set_default_host,
    default_host,
)
from accounts.services.oauth_connect import (
    ConnectResult,
    OAuthConnectError,
    oauth_connect_complete,
    oauth_connect_start,
    oauth_connect_start_for_user,
    oauth_is_configured,
    oauth_redirect_uri,
)
from accounts.services.tokens import (
    CredentialUnusable,
    OAuthCredentialTokens,
    credential_client,
    credential_token_source,
    download_token_client,
)
from accounts.services.zoom_users import SubAccountsFailed, zoom_user_apply_event, zoom_users_refresh

__all__ = [
    "CheckResult",
    "ConnectResult",
    "CredentialUnusable",
    "NoDefaultHost",
    "OAuthConnectError",
    "OAuthCredentialTokens",
    "SubAccountsFailed",
    "credential_check",
    "credential_client",
    "credential_create",
    "credential_deauthorize",
    "credential_default_host",
    "credential_disconnect",
    "credential_set_default_host",
    "credential_token_source",
    "credential_update",
    "default_host",
    "download_token_client",
    "oauth_connect_complete",
    "oauth_connect_start",
    "oauth_connect_start_for_user",
    "oauth_is_configured",
    "oauth_redirect_uri",
    "zoom_user_apply_event",
    "zoom_users_refresh",
]
