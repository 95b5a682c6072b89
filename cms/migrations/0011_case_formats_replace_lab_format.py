"""One place for a lab's formats: the old ``lab_format`` choice becomes a term of the editable
format taxonomy (``forum.Format``), in the page and in its stored revisions (so a draft keeps
it when published); "other" maps to nothing."""

from django.db import migrations, models

FORMAT_OF_LAB_FORMAT = {
    "coworking": "pop-up-space",
    "theme_week": "aktionswoche",
    "trial_days": "schnuppertag",
    "task_force": "task-force",
    "citizen_survey": "befragung",
}


def move_formats(apps, schema_editor):
    LabCasePage = apps.get_model("cms", "LabCasePage")
    Format = apps.get_model("forum", "Format")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    format_ids = dict(Format.objects.values_list("slug", "pk"))
    term_of = {
        old: format_ids[new] for old, new in FORMAT_OF_LAB_FORMAT.items() if new in format_ids
    }
    Through = LabCasePage.formats.through
    for page_id, lab_format in LabCasePage.objects.values_list("pk", "lab_format"):
        if lab_format in term_of:
            Through.objects.get_or_create(labcasepage_id=page_id, format_id=term_of[lab_format])
    content_type = ContentType.objects.filter(app_label="cms", model="labcasepage").first()
    if content_type is None:
        return
    for revision in Revision.objects.filter(content_type=content_type):
        content = revision.content
        old = content.pop("lab_format", None)
        if "formats" not in content or not content["formats"]:
            content["formats"] = [term_of[old]] if old in term_of else []
        revision.content = content
        revision.save(update_fields=["content"])


def restore_lab_format(apps, schema_editor):
    """Backwards: the first mapped format of a page becomes its ``lab_format`` again."""
    LabCasePage = apps.get_model("cms", "LabCasePage")
    lab_format_of = {new: old for old, new in FORMAT_OF_LAB_FORMAT.items()}
    for page in LabCasePage.objects.prefetch_related("formats"):
        slugs = [term.slug for term in page.formats.all() if term.slug in lab_format_of]
        if slugs:
            page.lab_format = lab_format_of[slugs[0]]
            page.save(update_fields=["lab_format"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0010_transfers"),
        ("forum", "0020_steckbrief_taxonomy"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # A default first, so that going back can add the column to existing rows again.
        migrations.AlterField(
            model_name="labcasepage",
            name="lab_format",
            field=models.CharField(default="other", max_length=20, verbose_name="Format"),
        ),
        migrations.RunPython(move_formats, restore_lab_format),
        migrations.RemoveField(model_name="labcasepage", name="lab_format"),
    ]
