from django.db import migrations

# Editors keep the Steckbrief taxonomies (Handlungsfelder, formats) in the Wagtail admin; the
# services refuse to delete a term still in use (forum.services.community).
MODELS = ["challenge", "format"]
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; they are needed here already.
    app_config = apps.get_app_config("forum")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    editors, _created = Group.objects.get_or_create(name="Editors")
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="forum", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="forum", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("forum", "0023_transfer_notification_kinds")]

    operations = [migrations.RunPython(grant, revoke)]
