"""Thin Celery tasks over the accounts services: load by id, call one service, retry transient errors."""

import logging

from celery import shared_task

from accounts import services
from accounts.models import Credential
from zoomhub.zoom.errors import ZoomError

logger = logging.getLogger(__name__)

RETRY_DELAYS = (60, 300, 900)


def _retry_if_transient(task, error: ZoomError):
    if error.transient and task.request.retries < len(RETRY_DELAYS):
        raise task.retry(countdown=RETRY_DELAYS[task.request.retries]) from None
    raise error


@shared_task(name="accounts.check_credential", bind=True)
def credential_check_task(self, *, credential_id: int) -> str:
    credential = Credential.objects.filter(pk=credential_id).first()
    if credential is None:
        return "gone"
    result = services.credential_check(credential=credential)
    return result.status


@shared_task(name="accounts.refresh_zoom_users", bind=True)
def zoom_users_refresh_task(self, *, credential_id: int) -> int:
    credential = Credential.objects.filter(pk=credential_id, status=Credential.Status.ACTIVE).first()
    if credential is None:
        return 0
    try:
        return services.zoom_users_refresh(credential=credential)
    except ZoomError as error:
        _retry_if_transient(self, error)
        raise


@shared_task(name="accounts.refresh_all_zoom_users")
def zoom_users_refresh_all() -> int:
    """Beat's daily job: one refresh task per usable credential, so one slow account delays no other."""
    credential_ids = list(
        Credential.objects.filter(status=Credential.Status.ACTIVE).values_list("pk", flat=True)
    )
    for credential_id in credential_ids:
        zoom_users_refresh_task.delay(credential_id=credential_id)
    return len(credential_ids)
