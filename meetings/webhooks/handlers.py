"""Handlers the webhooks part owns itself (the rest live in their apps; see dispatch.HANDLERS)."""

import logging

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Credential

logger = logging.getLogger(__name__)


def app_deauthorized(*, event_type: str, body: dict, credential: Credential | None) -> None:
    """A Zoom user removed our OAuth app: that connection is revoked and its tokens deleted.

    Zoom requires Marketplace apps to stop using the user's data at once
    (https://developers.zoom.us/docs/integrations/end-user-auth/ "deauthorization"). The event
    names the user, the account and the app (payload.user_id, account_id, client_id); a
    credential matches on the user, and on account and client where it recorded them.
    """
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    user_id = str(payload.get("user_id") or "")
    if not user_id:
        return  # nothing identifies a connection: there is nothing to revoke
    account_id = str(payload.get("account_id") or "")
    client_id = str(payload.get("client_id") or "")
    matches = Credential.objects.filter(kind=Credential.Kind.OAUTH, zoom_user_id=user_id)
    if account_id:
        matches = matches.filter(Q(account_id=account_id) | Q(account_id=""))
    if client_id:
        matches = matches.filter(Q(client_id=client_id) | Q(client_id=""))
    when = str(payload.get("deauthorization_time") or "")
    revoked = matches.update(
        status=Credential.Status.REVOKED,
        access_token=None,
        refresh_token=None,
        token_expires_at=None,
        last_error=(
            _("The Zoom user removed ZoomHub's app at %(when)s; connect again to restore.") % {"when": when}
            if when
            else _("The Zoom user removed ZoomHub's app; connect again to restore.")
        ),
        updated_at=timezone.now(),
    )
    logger.info("app_deauthorized: revoked %s credential(s) for Zoom user %s", revoked, user_id)
