"""/api/v1/oauth/zoom/authorize and /callback — "Connect with Zoom" started by a program.

The flow's state and PKCE verifier are kept server-side, bound to the API token's user
(accounts.services.oauth_connect_start_for_user). Zoom sends the browser back to the redirect
URI the OAuth app is configured with (accounts.services.oauth_app), by default this API's own
callback, /api/v1/oauth/zoom/callback (the Redirect URI other recording services register).
The callback stores the credential only for a browser signed in as that same staff member,
exactly as the page's callback (/zoom-accounts/oauth/callback/) does: it is the same view.
"""

from django.urls import reverse
from ninja import Router, Schema

from accounts import services
from accounts.services.oauth_connect import FLOW_LIFETIME_SECONDS
from accounts.views import oauth_callback
from api.auth import WRITE, caller
from api.errors import ApiError, responses
from api.parsing import accepts_any_query

router = Router(tags=["oauth"])


class AuthorizationOut(Schema):
    authorization_url: str
    redirect_uri: str
    expires_in: int


def start_for_caller(request, *, callback_url_name: str) -> tuple[str, str]:
    """Zoom's consent page URL and the redirect URI it will come back to, for the API's caller.

    A staff browser session keeps the flow in that session (the callback must come back to the
    same browser); a token binds it to the token's user.
    """
    redirect_uri = services.oauth_redirect_uri(request.build_absolute_uri(reverse(callback_url_name)))
    who = caller(request)
    try:
        if who.token is None:
            url = services.oauth_connect_start(
                session=request.session, user_id=who.user.pk, redirect_uri=redirect_uri
            )
        else:
            url = services.oauth_connect_start_for_user(user_id=who.user.pk, redirect_uri=redirect_uri)
    except services.OAuthConnectError as error:
        raise ApiError(409, str(error), code="oauth_not_configured") from None
    return url, redirect_uri


@router.get("/oauth/zoom/authorize", auth=WRITE, response=responses({200: AuthorizationOut}, 409))
def zoom_authorize(request):
    """Zoom's consent page URL. Open it in a browser signed in to ZoomHub as the token's owner;
    after consent the Zoom user's account appears under credentials, named by its email."""
    url, redirect_uri = start_for_caller(request, callback_url_name="api-v1:zoom_oauth_callback")
    return {"authorization_url": url, "redirect_uri": redirect_uri, "expires_in": FLOW_LIFETIME_SECONDS}


@router.get(
    "/oauth/zoom/callback",
    auth=None,
    url_name="zoom_oauth_callback",
    openapi_extra={"responses": {"302": {"description": "To the Zoom accounts page, with a message."}}},
)
@accepts_any_query
def zoom_oauth_callback(request, code: str = "", state: str = "", error: str = ""):
    """Zoom's redirect back after consent (query `code` and `state`, or `error`). It needs the
    browser of the staff member who started the flow; the answer is a redirect to the Zoom
    accounts page, which says what was connected or why nothing was."""
    return oauth_callback(request)
