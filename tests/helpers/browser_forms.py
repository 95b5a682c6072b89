"""What a browser would send for a form left as rendered: the test of "saving unchanged works"."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.forms: list[list[tuple[str, str]]] = []
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside, self.data = True, []
            self.forms.append(self.data)
            return
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.data.append((name, attributes.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_options = name, []
        elif tag == "option" and self._select:
            self._option_value = attributes.get("value")
            self._option_selected = "selected" in attributes
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea, self._textarea_text = name, ""

    def handle_data(self, data: str) -> None:
        if self._option_value is not None or self._select:
            self._option_text += data
        if self._textarea:
            self._textarea_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option" and self._select:
            value = self._option_value if self._option_value is not None else self._option_text
            self._select_options.append((value.strip(), self._option_selected))
            self._option_value = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._select_options if selected]
            # A single select without a selected option submits its first option.
            if not chosen and self._select_options:
                chosen = [self._select_options[0][0]]
            self.data.extend((self._select, value) for value in chosen[:1])
            self._select = None
        elif tag == "textarea" and self._textarea:
            # The parser keeps the newline browsers drop right after <textarea>.
            self.data.append((self._textarea, self._textarea_text.removeprefix("\n")))
            self._textarea = None


def unchanged_form_data(html: str, containing: str) -> dict[str, list[str]]:
    """The fields of the form with a field named ``containing``, as a browser submits them
    untouched: values, checked boxes, selected options (else the first), textareas."""
    reader = _FormReader()
    reader.feed(html)
    for fields in reader.forms:
        data: dict[str, list[str]] = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        if containing in data:
            return data
    raise AssertionError(f"no form with a field {containing!r}")
