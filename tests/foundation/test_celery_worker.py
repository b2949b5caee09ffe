import pytest
from django.conf import settings

from tests.processes import celery_worker
from zoomhub.tasks import ping

pytestmark = [pytest.mark.integration]


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI sets it)")
def test_task_round_trip_through_redis_and_a_real_worker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    with celery_worker() as (process, queue):
        result = ping.apply_async(args=["hello"], queue=queue)
        assert result.get(timeout=60) == "pong:hello"
        assert process.poll() is None
