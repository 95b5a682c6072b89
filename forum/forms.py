import uuid
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import notifications, selectors
from .markdown import render_plain_snippet
from .models import (
    Delivery,
    Invitation,
    NotificationKind,
    Profile,
    Role,
    Space,
    SpaceNotificationLevel,
    Tag,
    display_name,
)
from .numbers import IdChoiceField, IdMultipleChoiceField
from .text import LineFormField, require_visible


def posted(request: Any) -> Any:
    """A form's data: the POST on every POST, an empty one too (which must then be refused
    with a message, not shown afresh as if nothing was sent), ``None`` otherwise."""
    return request.POST if request.method == "POST" else None


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ``ValidationError`` onto the form: per field where it names one of the
    form's fields, else as a form-wide error, so the page shows it next to what was typed."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def rebase_after_conflict(form: forms.Form, error: ValidationError, version: str) -> None:
    """An edit conflict onto the form, and the version saved meanwhile as its new base: what
    was typed stays, and sending it again deliberately replaces the other person's save."""
    add_service_errors(form, error)
    form.data = form.data.copy()
    form.data[form.add_prefix("based_on")] = version


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "town"]
        field_classes = {"town": IdChoiceField}
        help_texts = {"town": _("Pflicht für Mitarbeitende einer Kleinstadt.")}

    def __init__(self, *args, consortium, assignable_roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in assignable_roles]
        self.fields["town"].queryset = consortium.own_towns().order_by("name")
        self.fields["town"].empty_label = _("– keine (Pate/Patin, Kernteam) –")
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "function", "bio", "accepts_contact_requests"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "function": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "bio": forms.Textarea(attrs={"rows": 5}),
        }


class InvitationSignupForm(forms.Form):
    display_name = LineFormField(
        label=_("Anzeigename"),
        max_length=120,
        help_text=_("So sehen die anderen im Verbund Sie, z. B. „Anna Berger“."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    function = LineFormField(
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to five files in one input; type and size are checked by ``forum.uploads``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.odt,.ods,.odp,.doc,.xls,.ppt"


class PostingForm(forms.Form):
    """Shared by new topics and replies: text, attachments and the idempotency token."""

    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        validators=[require_visible],
        help_text=_(
            "Markdown: **fett**, *kursiv*, Listen, Links, > Zitat. Mit @name erwähnen Sie "
            "jemanden; den Namen zeigt das Profil der Person."
        ),
        error_messages={
            "required": _("Bitte schreiben Sie einen Text."),
            "max_length": _(
                "Der Text darf höchstens 20.000 Zeichen lang sein (jetzt: %(show_value)s)."
            ),
        },
    )
    attachments = MultipleFileField(
        label=_("Anhänge"),
        help_text=_("Bis zu 5 Dateien, je höchstens 10 MB: PDF, Bilder, Office-Dokumente."),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())


class TopicForm(PostingForm):
    title = LineFormField(label=_("Titel"), max_length=200, min_length=3)
    tags = IdMultipleChoiceField(
        label=_("Themen"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["title", "tags", "body", "attachments"]


class ReplyForm(PostingForm):
    pass


class PostEditForm(forms.Form):
    body = PostingForm.base_fields["body"]
    based_on = forms.CharField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolutionForm(forms.Form):
    resolution = forms.CharField(label=_("Ergebnis"), max_length=500, required=False)


class MoveForm(forms.Form):
    target = IdChoiceField(label=_("Ziel-Bereich"), queryset=Space.objects.none())
    reason = forms.CharField(label=_("Grund"), max_length=500, required=False)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class SharePostsField(IdMultipleChoiceField):
    """A topic's posts as checkboxes: author and the start of the text (posts are loaded with
    ``author__profile``)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{display_name(obj.author)}: {render_plain_snippet(obj.body, 160)}"


class ShareTargetField(IdChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return selectors.share_target_label(obj)


class ShareForm(forms.Form):
    """Which posts, with whom, and why (the authors read the reason)."""

    posts = SharePostsField(
        label=_("Beiträge, die geteilt werden sollen"),
        queryset=Space.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens einen Beitrag aus.")},
    )
    target = ShareTargetField(
        label=_("Teilen mit"),
        queryset=Space.objects.none(),
        error_messages={"required": _("Bitte wählen Sie, mit wem geteilt werden soll.")},
    )
    note = forms.CharField(
        label=_("Begründung"),
        help_text=_("Die Autorinnen und Autoren lesen sie, wenn sie um Zustimmung gebeten werden."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, posts: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = posts
        self.fields["target"].queryset = targets


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of notification and one per space the person can read."""

    def __init__(self, *args: Any, user: Any, spaces: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spaces = {f"space_{space.pk}": space for space in spaces}
        deliveries = notifications.deliveries_by_user([user.pk])[user.pk]
        for kind in NotificationKind:
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=deliveries[kind.value],
            )
        levels = dict(
            SpaceNotificationLevel.objects.filter(user=user, space__in=spaces).values_list(
                "space_id", "level"
            )
        )
        for name, space in self.spaces.items():
            self.fields[name] = forms.ChoiceField(
                label=space.name,
                choices=SpaceNotificationLevel.Level.choices,
                initial=levels.get(space.pk, SpaceNotificationLevel.Level.DEFAULT),
                help_text=_("akademieweit")
                if space.is_academy_wide
                else _("geschlossen · %(name)s") % {"name": space.consortium.name},
            )

    def kind_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("kind_")]

    def space_fields(self) -> list:
        return [self[name] for name in self.spaces]

    def changed_deliveries(self) -> dict[str, str]:
        return {
            name.removeprefix("kind_"): self.cleaned_data[name]
            for name in self.changed_data
            if name.startswith("kind_")
        }

    def changed_levels(self) -> list[tuple[Any, str]]:
        return [
            (self.spaces[name], self.cleaned_data[name])
            for name in self.changed_data
            if name in self.spaces
        ]


ERASURE_KEEP_POSTS, ERASURE_DELETE_POSTS = "behalten", "loeschen"


class ErasureChoiceForm(forms.Form):
    """What happens to the posts of an erased account; in the Wagtail admin's user deletion
    (single and bulk) as on the person's own page."""

    posts = forms.TypedChoiceField(
        label=_("Was soll mit den Beiträgen geschehen?"),
        choices=[
            (ERASURE_KEEP_POSTS, _("Stehen lassen, ohne Namen, als „ehemaliges Mitglied“")),
            (
                ERASURE_DELETE_POSTS,
                _("Ebenfalls löschen (angezeigt als „Beitrag gelöscht“, Dateien entfernt)"),
            ),
        ],
        coerce=lambda value: value == ERASURE_DELETE_POSTS,
        widget=forms.RadioSelect,
        initial=ERASURE_KEEP_POSTS,
    )


class AccountErasureForm(ErasureChoiceForm):
    """Erasing one's own account: the choice about the posts, then the password and, where
    two-factor login is set up, a current code (``forum.views.account``)."""

    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code aus Ihrer Authenticator-App"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: Any, needs_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not needs_code:
            del self.fields["code"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Das Passwort stimmt nicht."), code="password")
        return password


class MessageForm(forms.Form):
    """A message in a private conversation."""

    body = forms.CharField(
        label=_("Nachricht"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5_000,
        validators=[require_visible],
        help_text=_("Markdown: **fett**, *kursiv*, Listen, Links. Nur Sie beide lesen das."),
        error_messages={"required": _("Bitte schreiben Sie eine Nachricht.")},
    )
