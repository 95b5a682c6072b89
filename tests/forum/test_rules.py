"""The access policy as a matrix over the roles of DESIGN.md; selectors must agree with it."""

import pytest

from forum import rules as policy
from forum import selectors
from forum.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.cast import ROLES

EXPECTED = {
    # permission: roles that hold it for the cast's consortium
    "forum.access_consortium": {"member", "coach", "core_team", "admin"},
    "forum.list_members": {"member", "coach", "core_team", "admin"},
    "forum.manage_members": {"coach", "core_team", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_permission_matrix(cast, role, permission):
    user = cast.user(role)
    assert user.has_perm(permission, cast.consortium) is (role in EXPECTED[permission])


@pytest.mark.parametrize("role", ROLES)
def test_consortia_visible_to_agrees_with_view_permission(cast, role):
    user = cast.user(role)
    visible = set(selectors.consortia_visible_to(user))
    for consortium in (cast.consortium, cast.other_consortium):
        assert (consortium in visible) is user.has_perm("forum.access_consortium", consortium)


@pytest.mark.parametrize("role", ROLES)
def test_consortia_managed_by_agrees_with_manage_permission(cast, role):
    user = cast.user(role)
    managed = set(selectors.consortia_managed_by(user))
    for consortium in (cast.consortium, cast.other_consortium):
        assert (consortium in managed) is user.has_perm("forum.manage_members", consortium)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", []),
        ("outsider", []),
        ("member", []),
        ("coach", [Role.MEMBER, Role.COACH]),
        ("core_team", [Role.MEMBER, Role.COACH, Role.CORE_TEAM]),
        ("editor", []),
        ("admin", [Role.MEMBER, Role.COACH, Role.CORE_TEAM]),
    ],
)
def test_roles_assignable_by(cast, role, expected):
    assert policy.roles_assignable_by(cast.user(role), cast.consortium) == expected


@pytest.mark.parametrize("role", ROLES)
def test_view_profile_only_for_people_sharing_a_consortium(cast, role):
    viewer = cast.user(role)
    member = cast.user("member")
    expected = role in {"member", "coach", "core_team", "admin"}
    assert viewer.has_perm("forum.see_profile", member) is expected
    assert (selectors.profile_user_visible_to(member.pk, viewer) is not None) is expected


def test_academy_wide_predicate_needs_any_membership(cast):
    assert policy.is_signed_in_member(cast.user("outsider"))
    assert policy.is_signed_in_member(cast.user("member"))
    assert not policy.is_signed_in_member(cast.user("editor"))
    assert not policy.is_signed_in_member(cast.user("anonymous"))


def test_predicates_are_safe_for_none(db):
    assert not policy.is_consortium_member(None, None)
    assert not policy.is_admin(None)
    assert not policy.has_mfa(None)
    assert policy.consortium_roles(None) == {}


def test_inactive_member_loses_access(cast):
    member = cast.user("member")
    member.is_active = False
    member.save()
    member.refresh_from_db()
    assert not member.has_perm("forum.access_consortium", cast.consortium)


def test_role_cache_is_one_query_for_many_questions(cast, django_assert_num_queries):
    coach = UserFactory()
    MembershipFactory(user=coach, consortium=cast.consortium, role=Role.COACH)
    with django_assert_num_queries(1):
        for _ in range(5):
            assert coach.has_perm("forum.access_consortium", cast.consortium)
            assert coach.has_perm("forum.manage_members", cast.consortium)
            assert not coach.has_perm("forum.access_consortium", cast.other_consortium)


def test_policy_permissions_do_not_shadow_model_permissions(db):
    from django.contrib.auth.models import Permission
    from rules.permissions import permissions as registry

    model_permissions = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert not set(registry) & model_permissions
