"""Wagtail's chooser widgets under the Content-Security-Policy (no inline scripts).

``BaseChooser.render`` (page, image, document, snippet and task choosers in admin forms) appends
the widget's JavaScript start as an inline ``<script>``, which the policy blocks; unlike the date
widgets it is Python, not a template that ``templates/wagtailadmin/`` could replace. Its
replacement below puts the same call into data attributes of the chooser's hidden input, and
``static/js/wagtail-admin.js`` makes it. Written against Wagtail 8.0's ``BaseChooser``;
``tests/e2e/test_csp.py`` opens admin forms with choosers and fails on a blocked script.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.safestring import SafeString
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser


def _render_chooser(
    self: BaseChooser,
    name: str,
    value: Any,
    attrs: dict[str, Any] | None = None,
    renderer: Any = None,
) -> SafeString:
    if not attrs or "id" not in attrs:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute")
    value_data = self.get_value_data(value)
    if isinstance(self, AdminTaskChooser):
        # Its start is a function of the id alone (render_js_init: createTaskChooser(id)).
        kind, options = "task-chooser", {}
    else:
        kind = self.js_constructor
        options = self.get_js_init_options(attrs["id"], name, value_data)
    attrs = {**attrs, "data-csp-init": kind, "data-csp-init-options": json.dumps(options)}
    return self.render_html(name, value_data, attrs)


def start_choosers_without_inline_scripts() -> None:
    """Call once at start-up (``CmsConfig.ready``)."""
    BaseChooser.render = _render_chooser
