# Editors publish pages (DESIGN.md: "publish case pages after workflow approval"). Wagtail's own
# data migration gives its "Editors" group add and change only; approving the last step of the
# case workflow publishes as the approving editor, so they need the publish permission too.

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Permission = apps.get_model("auth.Permission")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    ContentType = apps.get_model("contenttypes.ContentType")
    if root is None:
        return
    page_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    # On a fresh database the permission rows only appear after all migrations ran.
    publish, _created = Permission.objects.get_or_create(
        content_type=page_type, codename="publish_page", defaults={"name": "Can publish page"}
    )
    editors, _created = Group.objects.get_or_create(name="Editors")
    GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=publish)


def revoke(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name="Editors", page__depth=1, permission__codename="publish_page"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_case_pages"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
