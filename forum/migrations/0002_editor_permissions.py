from django.db import migrations

# Editors maintain the public profile data of towns and consortia. Memberships and user profiles
# decide who sees a closed consortium, so only academy admins (superusers) edit those.
EDITOR_MODELS = ["town", "consortium", "phase"]
EDITOR_ACTIONS = ["add", "change", "view"]


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
    codenames = [f"{action}_{model}" for model in EDITOR_MODELS for action in EDITOR_ACTIONS]
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="forum", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        editors.permissions.remove(
            *editors.permissions.filter(content_type__app_label="forum")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
