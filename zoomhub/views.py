from django.shortcuts import render

from zoomhub.cards import collect_cards


def dashboard(request):
    return render(request, "dashboard.html", {"dashboard_cards": collect_cards()})
