"""API tokens: made once, stored hashed, checked on every /api/v1/ request, revoked by their owner."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from api.models import ApiToken

# "zh_" marks the value as a ZoomHub token (secret scanners can look for it); 32 random bytes follow.
TOKEN_MARK = "zh_"
PREFIX_LENGTH = len(TOKEN_MARK) + 8
# last_used_at is written at most this often per token, so busy clients do not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the full value, which is never shown again."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name the token after what will use it.")]
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = [_("Use at most 100 characters.")]
    if scope not in ApiToken.Scope.values:
        errors["scope"] = [_("Choose read or read and write.")]
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, prefix=raw[:PREFIX_LENGTH], token_hash=_hash(raw)
    )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token with this value whose owner is active staff, else None; notes its use."""
    if not raw or not raw.startswith(TOKEN_MARK) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True, user__is_staff=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
