"""The posts choice of erasing an account, for Wagtail's user deletion pages (single and bulk),
drawn from the same form field the service's callers read."""

from django import template
from django.forms import BoundField

from ..forms import ErasureChoiceForm

register = template.Library()


@register.simple_tag
def erasure_choice_field() -> BoundField:
    return ErasureChoiceForm()["posts"]
