"""Every write and every Zoom call of the accounts app (see design.md, "Apps").

`credential_client(credential=...)` is the one way other apps get a Zoom client for a
connected account.
"""

from accounts.services.api_tokens import api_token_authenticate, api_token_create, api_token_revoke
from accounts.services.checks import CheckResult, credential_check
from accounts.services.credentials import credential_create, credential_disconnect, credential_update
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
    "NoDefaultHost",
    "OAuthConnectError",
    "OAuthCredentialTokens",
    "SubAccountsFailed",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "credential_check",
    "credential_client",
    "credential_create",
    "credential_default_host",
    "credential_disconnect",
    "credential_set_default_host",
    "credential_token_source",
    "credential_update",
    "default_host",
    "oauth_connect_complete",
    "oauth_connect_start",
    "oauth_connect_start_for_user",
    "oauth_is_configured",
    "zoom_users_refresh",
]
