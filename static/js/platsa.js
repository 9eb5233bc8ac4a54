// Platsa's own behaviour. No inline scripts: the Content-Security-Policy forbids them.
"use strict";

// Long lists (occupations, languages) become searchable pickers; without JavaScript they stay
// ordinary selects, so every form still works.
function enhanceSearchableSelects(root) {
  if (typeof TomSelect === "undefined") {
    return;
  }
  root.querySelectorAll("select[data-searchable]").forEach(function (select) {
    if (select.tomselect) {
      return;
    }
    new TomSelect(select, {
      maxOptions: 500,
      plugins: select.multiple ? ["remove_button"] : [],
    });
    // Tom Select moves the field's <label> to its own combobox and keeps the original select,
    // out of the tab order, only to carry the value: hidden from assistive technology too, it
    // is not announced as a second, unlabelled field.
    select.setAttribute("aria-hidden", "true");
  });
}

document.addEventListener("DOMContentLoaded", function () {
  enhanceSearchableSelects(document);
});
document.addEventListener("htmx:afterSwap", function (event) {
  enhanceSearchableSelects(event.target);
});
