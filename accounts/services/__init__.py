"""Every write and every Zoom call of the accounts app (see design.md, "Apps").

`credential_client(credential=...)` is the one way other apps get a Zoom client for a
connected account.
"""

from accounts.services.api_tokens import api_token_authenticate, api_token_create, api_token_revoke
from accounts.services.checks import CheckResult, credential_check
from accounts.services.credentials import credential_create, credential_disconnect, credential_update
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
)
from accounts.services.zoom_users import SubAccountsFailed, zoom_users_refresh

__all__ = [
    "CheckResult",
    "ConnectResult",
    "CredentialUnusable",
    "OAuthConnectError",
    "OAuthCredentialTokens",
    "SubAccountsFailed",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "credential_check",
    "credential_client",
    "credential_create",
    "credential_disconnect",
    "credential_token_source",
    "credential_update",
    "oauth_connect_complete",
    "oauth_connect_start",
    "oauth_connect_start_for_user",
    "oauth_is_configured",
    "oauth_redirect_uri",
    "zoom_users_refresh",
]
