from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def dashboard(request):
    return render(request, "dashboard.html")


def healthz(request):
    """Liveness for load balancers and docker compose: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
