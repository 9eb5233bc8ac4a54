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
  });
}

document.addEventListener("DOMContentLoaded", function () {
  enhanceSearchableSelects(document);
});
document.addEventListener("htmx:afterSwap", function (event) {
  enhanceSearchableSelects(event.target);
});
