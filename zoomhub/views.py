from django.shortcuts import render

from zoomhub.cards import collect_cards, dashboard_sections


def dashboard(request):
    cards = collect_cards()
    return render(
        request,
        "dashboard.html",
        {
            "dashboard_cards": cards,
            "counters": [card for card in cards if not card.attention],
            "attention": [card for card in cards if card.attention],
            "sections": dashboard_sections.render(),
        },
    )
