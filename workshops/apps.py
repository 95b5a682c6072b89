from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Transferwerkstätten")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """The forum's consumer serves the idea board's stream; who may read it is decided
        here, and the workshops' parts of a person's data export and of erasing an account are
        registered here, so the forum does not import workshops."""
        from forum.streams import register_reader

        from . import privacy
        from .streams import WORKSHOP, may_read_idea_board

        register_reader(WORKSHOP, may_read_idea_board)
        privacy.register()
