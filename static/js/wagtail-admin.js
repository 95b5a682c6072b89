// The Wagtail admin under our Content-Security-Policy (script-src 'self', no inline scripts).
// Wagtail's date/time widgets, choosers and inline panels start their JavaScript with an inline
// script right after their HTML, which the policy blocks. templates/wagtailadmin/ (date/time
// widgets, inline panels) and cms/admin_widgets.py (choosers) put the same call into attributes
// instead:  data-csp-init="date" data-csp-init-options="{…}"  and this script makes it.
//
// Timing matters as much as the call: a chooser binds the buttons inside its element, and once
// Wagtail's Stimulus controllers connect (after DOMContentLoaded) its dropdown has moved them
// out. So this script is loaded synchronously by templates/wagtailadmin/admin_base.html, after
// Wagtail's scripts and before the page's forms, and starts each element as the parser (or a
// dialog, or a new inline row later) inserts it, before Stimulus sees it.
(() => {
  "use strict";

  const starters = {
    date: (element, options) => window.initDateChooser(element.id, options),
    time: (element, options) => window.initTimeChooser(element.id, options),
    datetime: (element, options) => window.initDateTimeChooser(element.id, options),
    "inline-panel": (element, options) => new window.InlinePanel(options),
    // Choosers (cms/admin_widgets.py): the kind is the widget's JS constructor.
    Chooser: (element, options) => new window.Chooser(element.id, options),
    PageChooser: (element, options) => new window.PageChooser(element.id, options),
    ImageChooser: (element, options) => new window.ImageChooser(element.id, options),
    DocumentChooser: (element, options) => new window.DocumentChooser(element.id, options),
    SnippetChooser: (element, options) => new window.SnippetChooser(element.id, options),
    "task-chooser": (element) => window.createTaskChooser(element.id),
  };
  const selector = "[data-csp-init]";
  // An element is inserted again when it moves (reordered inline rows): start it once.
  const started = new WeakSet();

  function start(element) {
    if (started.has(element)) {
      return;
    }
    started.add(element);
    starters[element.dataset.cspInit](element, JSON.parse(element.dataset.cspInitOptions));
  }

  // Wagtail 8.0's rich text editor (Draftail) leaves its text box without a name: the field's
  // <label for> points at the hidden input the editor replaces (Wagtail issue 14205). Name it
  // after that label, or in a StreamField after the block's heading. React does not touch the
  // attribute again, and a new editor (new block) is a new element that passes here.
  const editorSelector = ".public-DraftEditor-content[role=textbox]";

  function nameEditor(editor) {
    if (editor.hasAttribute("aria-label") || editor.hasAttribute("aria-labelledby")) {
      return;
    }
    const wrapper = editor.closest("[data-draftail-editor-wrapper]");
    const input = wrapper && wrapper.parentNode.querySelector(":scope > input[id]");
    let name = input && document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    let fallbackId = input && `${input.id}-label`;
    if (!name) {
      // The block's type ("Text"), not its whole heading, which repeats the text's beginning.
      const section = editor.closest("section[id$='-section']");
      name = section && section.querySelector(":scope > .w-panel__header .c-sf-block__type");
      fallbackId = section && `${section.id}-type`;
    }
    if (name) {
      name.id = name.id || fallbackId;
      editor.setAttribute("aria-labelledby", name.id);
    }
  }

  function startWithin(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    if (node.matches(selector)) {
      start(node);
    }
    node.querySelectorAll(selector).forEach(start);
    if (node.matches(editorSelector)) {
      nameEditor(node);
    }
    node.querySelectorAll(editorSelector).forEach(nameEditor);
  }

  new MutationObserver((records) => {
    records.forEach((record) => record.addedNodes.forEach(startWithin));
  }).observe(document, { childList: true, subtree: true });
})();
