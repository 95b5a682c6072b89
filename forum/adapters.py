from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts come only from invitations (``forum.services``): allauth's own signup stays shut."""

    def is_open_for_signup(self, request) -> bool:
        return False
