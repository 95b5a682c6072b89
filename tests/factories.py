"""factory_boy factories for the community model."""

import datetime

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from forum.models import Consortium, Membership, Phase, Profile, Role, Town
from forum.rules import EDITOR_GROUP

PASSWORD = "Sicheres-Test-Passwort-1"


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town

    name = factory.Sequence(lambda n: f"Kleinstadt {n}")
    slug = factory.Sequence(lambda n: f"kleinstadt-{n}")
    state = "BB"
    population = 12000


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Verbund {n}")
    slug = factory.Sequence(lambda n: f"verbund-{n}")
    theme = "Digitale Arbeitswelten"
    lead_town = factory.SubFactory(TownFactory)
    start = datetime.date(2023, 1, 1)
    end = datetime.date(2025, 12, 31)

    @factory.post_generation
    def towns(self, create, extracted, **kwargs):
        if not create:
            return
        self.towns.set(extracted or [self.lead_town, TownFactory(), TownFactory()])
        self.save()


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    consortium = factory.SubFactory(ConsortiumFactory)
    kind = Phase.Kind.EXPLORATION
    start = datetime.date(2023, 1, 1)
    end = datetime.date(2023, 12, 31)


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary email and a profile, as the invitation flow leaves them."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create:
            Profile.objects.create(
                user=self,
                display_name=kwargs.get("display_name", f"Person {self.pk}"),
                town=kwargs.get("town"),
            )
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    consortium = factory.SubFactory(ConsortiumFactory)
    role = Role.MEMBER


def enable_mfa(user) -> None:
    TOTP.activate(user, generate_totp_secret())


def make_editor(user) -> None:
    group, _created = Group.objects.get_or_create(name=EDITOR_GROUP)
    user.groups.add(group)
