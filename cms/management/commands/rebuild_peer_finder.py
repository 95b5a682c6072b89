"""Write the peer finder's table anew from the live pages and the lessons (after a restore, an
import, or a change the services did not see, such as a town renamed)."""

from django.core.management.base import BaseCommand

from cms.peer_finder.index import rebuild


class Command(BaseCommand):
    help = "Baut die Tabelle der Suche „Wer hat das schon gemacht?“ neu auf."

    def handle(self, *args, **options) -> None:
        rows = rebuild()
        self.stdout.write(f"{rows} Einträge.")
