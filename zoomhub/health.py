"""/healthz for load balancers and docker compose.

Answered before any other middleware, so it works over plain HTTP from inside the
container network and under whatever Host header the checker sends.
"""

from django.db import connection
from django.http import JsonResponse

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            return JsonResponse({"status": "database unavailable"}, status=503)
        return JsonResponse({"status": "ok"})
