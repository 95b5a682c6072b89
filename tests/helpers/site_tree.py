"""Wagtail's page tree as the migrations leave it: transactional tests flush it, the admin and
every page need it back."""


def ensure_site_tree():
    """Recreate what Wagtail's and our data migrations create; transactional tests flush it."""
    from wagtail.models import Collection, Locale, Page, Site

    from cms.models import HomePage

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    locale, _created = Locale.objects.get_or_create(language_code="de")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root", locale=locale)
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title="Kleinstadtakademie", slug="start"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    return home
