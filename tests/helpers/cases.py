"""Case pages (LabCasePage) under a consortium page, saved and published as an editor would."""

from datetime import date

from cms.models import LabCasePage


def add_case_page(parent, *, town, title, visibility, owner=None, publish=True, **fields):
    page = LabCasePage(
        title=title,
        town=town,
        consortium_id=parent.consortium_id,
        visibility=visibility,
        period_start=fields.pop("period_start", date(2022, 6, 21)),
        summary=fields.pop("summary", f"Kurzfassung {title}"),
        goals=fields.pop("goals", "<p>Ziele</p>"),
        owner=owner,
        **fields,
    )
    parent.add_child(instance=page)
    revision = page.save_revision(user=owner)
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page
