// Server-rendered fragments: fetched over HTTP (rendered for this viewer, so events need
// carry nothing private) and put where a reload of the page would show them.

export async function fetchFragment(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "live" } });
  if (!response.ok) {
    return null;
  }
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  return template.content.firstElementChild;
}

// Whatever order fetches complete in (live events, the replay after a reconnect), the page
// ends in the order a reload shows: an element goes before the first sibling that sorts
// after it. A moved element keeps the keyboard focus it had.
export function insertInOrder(list, element, sortsBefore) {
  const focused = element.contains(document.activeElement) ? document.activeElement : null;
  const next = [...list.children].find(
    (sibling) => sibling !== element && sortsBefore(element, sibling),
  );
  list.insertBefore(element, next ?? null);
  focused?.focus({ preventScroll: true });
}

// Compares two keys (arrays of numbers) element by element; NaN (a row without the key)
// never sorts before anything.
export function keyBefore(a, b, descending = false) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) {
      return descending ? a[i] > b[i] : a[i] < b[i];
    }
  }
  return false;
}
