from allauth.account.adapter import DefaultAccountAdapter


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are made by an admin; nobody signs up on their own."""

    def is_open_for_signup(self, request):
        return False
