// Texts of the live updates: the page's config carries them translated (forum/views.py
// LIVE_TEXTS); placeholders are Python's "%(name)s", filled in here.

export const interpolate = (text, values) =>
  text.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
