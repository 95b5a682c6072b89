"""Every write the Wagtail admin can make to our models runs a service.

The first tests list the admin's write paths for our models – each registered snippet's create,
edit, copy and delete views, bulk deletion, and the settings – and fail for one that would write
past the services (a new snippet, a view class swapped back to Wagtail's). The others do it in
the admin and see the service run.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.snippets.models import get_snippet_models

from cms import wagtail_hooks as cms_hooks
from cms.models import BarrierReport
from forum import services, wagtail_hooks
from forum.models import (
    Challenge,
    Consortium,
    Format,
    Membership,
    NotificationSettings,
    Space,
    Tag,
    Town,
)
from forum.rules import allowed
from tests.factories import ConsortiumFactory
from tests.helpers.browser_forms import unchanged_form_data
from tests.helpers.cast import ROLES

OUR_APPS = {"forum", "cms", "workshops"}
# Settings are configuration rows with no effect on who reads what or on open sockets; each one
# is named here on purpose, so that a new setting is looked at before it is allowed.
CONFIGURATION_SETTINGS = {NotificationSettings}
SERVICE_WRITES = (wagtail_hooks.ServiceFormMixin, wagtail_hooks.ServiceDeleteMixin)


def our_snippets():
    return [model for model in get_snippet_models() if model._meta.app_label in OUR_APPS]


def test_every_snippet_of_ours_writes_through_services():
    writing_past = []
    for model in our_snippets():
        viewset = model.snippet_viewset
        views = [viewset.edit_view_class, viewset.delete_view_class]
        # Reports of barriers come in through the public form only: no admin add (its policy
        # grants none, tests/cms/test_barrier_reports.py).
        if model is not BarrierReport:
            views.append(viewset.add_view_class)
        for view in views:
            if not issubclass(view, SERVICE_WRITES):
                writing_past.append(f"{model.__name__}: {view.__name__}")
        if viewset.copy_view_enabled:
            writing_past.append(f"{model.__name__}: copy view")
    assert {model.__name__ for model in our_snippets()} == {
        "Town",
        "Consortium",
        "Membership",
        "Profile",
        "Space",
        "Tag",
        "Challenge",
        "Format",
        "BarrierReport",
        "QuestionTemplate",
    }
    assert writing_past == []


def test_every_snippet_of_ours_is_bulk_deleted_through_services():
    for model in our_snippets():
        action = bulk_action_registry.get_bulk_action_class(
            model._meta.app_label, model._meta.model_name, "delete"
        )
        expected = {
            BarrierReport: cms_hooks.BarrierReportDeleteBulkAction,
        }.get(model, wagtail_hooks.ServiceDeleteBulkAction)
        assert action is expected, model


def test_every_snippet_of_ours_names_its_services():
    for model in our_snippets():
        if model in (Membership, BarrierReport):
            # Their own views call their services (add_member, change_membership,
            # remove_member; handle_barrier_report, delete_barrier_report).
            continue
        entry = wagtail_hooks.ADMIN_SERVICES[model]
        assert callable(getattr(entry.module, entry.save)), model
        assert callable(getattr(entry.module, entry.delete)), model


def test_settings_of_ours_are_only_configuration():
    ours = {model for model in settings_registry if model._meta.app_label in OUR_APPS}
    assert ours == CONFIGURATION_SETTINGS


# --- done in the admin ------------------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch):
    """Records each community service the admin calls, and lets it run."""
    calls: list[str] = []
    for entry in wagtail_hooks.ADMIN_SERVICES.values():
        for name in (entry.save, entry.delete):
            real = getattr(entry.module, name)

            def recording(*args, _name=name, _real=real, **kwargs):
                calls.append(_name)
                return _real(*args, **kwargs)

            monkeypatch.setattr(entry.module, name, recording)
    return calls


def _admin(client, cast):
    client.force_login(cast.user("admin"))
    return client


def _objects(cast):
    """One of each, free to be edited and deleted."""
    town = Town.objects.create(name="Neustadt", slug="neustadt", state="BY", population=9000)
    consortium = ConsortiumFactory()
    Space.objects.filter(consortium=consortium).delete()
    return {
        Town: town,
        Consortium: consortium,
        Space: Space.objects.create(name="Offener Bereich", slug="offener-bereich"),
        Tag: Tag.objects.create(name="Mobilität", slug="mobilitaet"),
        Challenge: Challenge.objects.create(name="Nahversorgung", slug="nahversorgung"),
        Format: Format.objects.create(name="Stadtspaziergang", slug="stadtspaziergang"),
    }


@pytest.mark.parametrize(
    "model", [Town, Consortium, Space, Tag, Challenge, Format], ids=lambda m: m.__name__
)
def test_an_edit_in_the_admin_runs_the_save_service(client, cast, home_page, spy, model):
    instance = _objects(cast)[model]
    url = reverse(f"wagtailsnippets_forum_{model._meta.model_name}:edit", args=[instance.pk])
    admin = _admin(client, cast)
    data = unchanged_form_data(admin.get(url).content.decode(), "csrfmiddlewaretoken")
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert spy == [wagtail_hooks.ADMIN_SERVICES[model].save]


@pytest.mark.parametrize(
    "model", [Town, Consortium, Space, Tag, Challenge, Format], ids=lambda m: m.__name__
)
def test_a_deletion_in_the_admin_runs_the_delete_service(client, cast, home_page, spy, model):
    instance = _objects(cast)[model]
    url = reverse(f"wagtailsnippets_forum_{model._meta.model_name}:delete", args=[instance.pk])
    response = _admin(client, cast).post(url)
    assert response.status_code == 302
    assert spy == [wagtail_hooks.ADMIN_SERVICES[model].delete]
    assert not model.objects.filter(pk=instance.pk).exists()


def test_a_consortium_with_members_stays_and_the_admin_says_why(client, cast, home_page):
    url = reverse("wagtailsnippets_forum_consortium:delete", args=[cast.consortium.pk])
    response = _admin(client, cast).post(url, follow=True)
    assert response.status_code == 200
    assert "noch Mitglieder" in response.content.decode()
    assert Consortium.objects.filter(pk=cast.consortium.pk).exists()


def test_a_space_with_discussions_stays_and_the_admin_says_why(client, cast, home_page):
    space = Space.objects.create(name="Offener Bereich", slug="offener-bereich")
    services.create_topic(
        space=space, author=cast.user("admin"), title="Bleibt", body="Was hier steht."
    )
    url = reverse("wagtailsnippets_forum_space:delete", args=[space.pk])
    response = _admin(client, cast).post(url, follow=True)
    assert "gibt es Diskussionen" in response.content.decode()
    assert Space.objects.filter(pk=space.pk).exists()


def test_bulk_deletion_runs_the_services_all_or_none(client, cast, home_page, spy):
    empty = Space.objects.create(name="Am Anfang", slug="am-anfang")
    busy = Space.objects.create(name="Zum Schluss", slug="zum-schluss")
    services.create_topic(
        space=busy, author=cast.user("admin"), title="Bleibt", body="Was hier steht."
    )
    ids = [empty.pk, busy.pk]
    query = "&".join(f"id={pk}" for pk in ids)
    url = reverse("wagtail_bulk_action", args=["forum", "space", "delete"])
    response = _admin(client, cast).post(
        f"{url}?{query}&next=/admin/snippets/forum/space/", follow=True
    )
    assert response.status_code == 200
    assert "gibt es Diskussionen" in response.content.decode()
    assert spy == ["delete_space", "delete_space"]
    assert Space.objects.filter(pk__in=ids).count() == 2  # none: the second was refused


# --- who may: the policy, role by role ----------------------------------------------------------

SAVE_BY = {"editor", "admin"}  # towns and consortia: their public data
DELETE_BY = {"admin"}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_community_services_follow_the_policy_by_role(cast, home_page, role):
    user = cast.user(role)
    town = Town.objects.create(name="Neustadt", slug="neustadt", state="BY", population=9000)
    tag = Tag.objects.create(name="Mobilität", slug="mobilitaet")

    town.population = 9100
    if role in SAVE_BY:
        services.save_town(town=town, actor=user)
    else:
        with pytest.raises(PermissionDenied):
            services.save_town(town=town, actor=user)
    tag.name = "Verkehr"
    if role in DELETE_BY:
        services.save_tag(tag=tag, actor=user)
        services.delete_tag(tag=tag, actor=user)
        services.delete_town(town=town, actor=user)
        assert not Town.objects.filter(pk=town.pk).exists()
    else:
        for write in (
            lambda: services.save_tag(tag=tag, actor=user),
            lambda: services.delete_tag(tag=tag, actor=user),
            lambda: services.delete_town(town=town, actor=user),
        ):
            with pytest.raises(PermissionDenied):
                write()
        assert Town.objects.filter(pk=town.pk).exists()
    assert allowed(user, "forum.edit_public_community") is (role in SAVE_BY)
    assert allowed(user, "forum.administer_community") is (role in DELETE_BY)
