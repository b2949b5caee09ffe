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
from accounts.services.oauth_connect import (
    ConnectResult,
    OAuthConnectError,
    oauth_connect_complete,
    oauth_connect_start,
    oauth_connect_start_for_user,
    oauth_is_configured,
)
from accounts.services.tokens import (
    CredentialUnusable,
    OAuthCredentialTokens,
    credential_client,
    credential_token_source,
    download_token_client,
)
from accounts.services.zoom_users import SubAccountsFailed, zoom_users_refresh

__all__ = [
    "CheckResult",
    "ConnectResult",
    "CredentialUnusable",
    "OAuthConnectError",
    "OAuthCredentialTokens",
    "SubAccountsFailed",
    "credential_check",
    "credential_client",
    "credential_create",
    "credential_deauthorize",
    "credential_disconnect",
    "credential_token_source",
    "credential_update",
    "download_token_client",
    "oauth_connect_complete",
    "oauth_connect_start",
    "oauth_connect_start_for_user",
    "oauth_is_configured",
    "zoom_users_refresh",
]
