"""/api/v1/oauth/zoom/authorize — start "Connect with Zoom" for the token's user.

The flow's state and PKCE verifier are kept server-side, bound to the API token's user
(accounts.services.oauth_connect_start_for_user). Zoom sends the browser back to ZoomHub's
callback (/zoom-accounts/oauth/callback/, or OAUTH_ZOOM_REDIRECT_URI), which stores the
credential only for a browser signed in as that same staff member.
"""

from django.conf import settings
from django.urls import reverse
from ninja import Router, Schema

from accounts import services
from accounts.services.oauth_connect import FLOW_LIFETIME_SECONDS
from api.auth import WRITE, caller
from api.errors import ApiError, responses

router = Router(tags=["oauth"])


class AuthorizationOut(Schema):
    authorization_url: str
    redirect_uri: str
    expires_in: int


@router.get("/oauth/zoom/authorize", auth=WRITE, response=responses({200: AuthorizationOut}, 409))
def zoom_authorize(request):
    """Zoom's consent page URL. Open it in a browser signed in to ZoomHub as the token's owner;
    after consent the Zoom user's account appears under credentials, named by its email."""
    redirect_uri = settings.OAUTH_ZOOM_REDIRECT_URI or request.build_absolute_uri(
        reverse("accounts:oauth_callback")
    )
    try:
        url = services.oauth_connect_start_for_user(
            user_id=caller(request).user.pk, redirect_uri=redirect_uri
        )
    except services.OAuthConnectError as error:
        raise ApiError(409, str(error), code="oauth_not_configured") from None
    return {"authorization_url": url, "redirect_uri": redirect_uri, "expires_in": FLOW_LIFETIME_SECONDS}
