"""The roles of the permission table (the ``cast`` fixture has one user each) and logging one
of them into the test client."""

ROLES = ["anonymous", "outsider", "member", "coach", "core_team", "editor", "admin"]


def client_for(client, user):
    """Log ``user`` into the Django test client unless anonymous."""
    if user.is_authenticated:
        client.force_login(user)
    return client
