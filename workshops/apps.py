from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Transferwerkstätten")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """The forum's consumer serves the idea board's stream; who may read it is decided
        here, so the forum does not import workshops. The same for the workshops' part of a
        person's data export."""
        from forum.streams import register_reader

        from .privacy import register_export_sections
        from .streams import WORKSHOP, may_read_idea_board

        register_reader(WORKSHOP, may_read_idea_board)
        register_export_sections()
