"""Rich text offers no embeds: an embedded video or post would have every visitor's browser ask
the provider's host (issue 17)."""

from wagtail.admin.rich_text import get_rich_text_editor_widget

from cms.models import HomePage


def test_the_default_rich_text_editor_has_no_embed_feature():
    features = get_rich_text_editor_widget().features
    assert "embed" not in features
    assert {"bold", "link", "image"} <= set(features)


def test_a_rich_text_field_without_its_own_features_has_no_embed_feature():
    widget = HomePage._meta.get_field("body").formfield().widget
    assert "embed" not in widget.features
