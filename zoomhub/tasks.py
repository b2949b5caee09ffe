from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="zoomhub.ping_worker", ignore_result=False)
def ping(value: str) -> str:
    """A round trip through broker, worker and result backend: health checks and tests use it."""
    return f"pong:{value}"


@shared_task(name="zoomhub.clear_expired_sessions")
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
