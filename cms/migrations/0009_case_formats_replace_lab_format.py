"""One place for a lab's formats: the old ``lab_format`` choice becomes a term of the editable
format taxonomy (``forum.Format``), in the page and in its stored revisions (so a draft keeps
it when published); "other" maps to nothing."""

from django.db import migrations

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
    for page in LabCasePage.objects.exclude(lab_format="other"):
        if page.lab_format in term_of:
            page.formats.add(term_of[page.lab_format])
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


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0008_case_page_steckbrief"),
        ("forum", "0020_steckbrief_taxonomy"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(move_formats, migrations.RunPython.noop),
        migrations.RemoveField(model_name="labcasepage", name="lab_format"),
    ]
