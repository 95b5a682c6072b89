from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Invitation, Profile, Role


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "town"]
        help_texts = {"town": _("Pflicht für Mitarbeitende einer Kleinstadt.")}

    def __init__(self, *args, consortium, assignable_roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in assignable_roles]
        self.fields["town"].queryset = consortium.towns.order_by("name")
        self.fields["town"].empty_label = _("– keine (Pate/Patin, Kernteam) –")
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "function", "bio"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "function": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "bio": forms.Textarea(attrs={"rows": 5}),
        }


class InvitationSignupForm(forms.Form):
    display_name = forms.CharField(
        label=_("Anzeigename"),
        max_length=120,
        help_text=_("So sehen die anderen im Verbund Sie, z. B. „Anna Berger“."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    function = forms.CharField(
        label=_("Funktion"),
        max_length=160,
        required=False,
        help_text=_("z. B. Wirtschaftsförderung, Stadtentwicklung"),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        elif first:
            try:
                password_validation.validate_password(
                    first, user=_Candidate(self.email, cleaned.get("display_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class _Candidate:
    """Stands in for the not yet created user so the similarity check sees name and email."""

    def __init__(self, email: str, display_name: str) -> None:
        self.email = email
        self.display_name = display_name
