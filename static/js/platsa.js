// Platsa's own behaviour. No inline scripts: the Content-Security-Policy forbids them.
"use strict";

// The ids of the texts that describe a field: those it already names, and the error and help texts
// crispy-forms writes next to it (error_1_id_<name>, id_<name>_helptext, hint_id_<name>).
function describingIds(select) {
  const ids = (select.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  const wrapper = select.closest(".mb-3, .form-group, [id^='div_']") || select.parentElement;
  if (wrapper && select.id) {
    wrapper.querySelectorAll("[id]").forEach(function (element) {
      const id = element.id;
      const describes =
        id === select.id + "_helptext" ||
        id === "hint_" + select.id ||
        (id.indexOf("error_") === 0 && id.slice(-select.id.length - 1) === "_" + select.id);
      if (describes && ids.indexOf(id) === -1) {
        ids.push(id);
      }
    });
  }
  return ids;
}

// Long lists (occupations, languages, participants) become searchable pickers; without JavaScript
// they stay ordinary selects, so every form still works.
function enhanceSearchableSelects(root) {
  if (typeof TomSelect === "undefined") {
    return;
  }
  root.querySelectorAll("select[data-searchable]").forEach(function (select) {
    if (select.tomselect) {
      return;
    }
    const picker = new TomSelect(select, {
      maxOptions: 500,
      // An occupation is also found by its synonyms (taxonomy/forms.py writes them into each option's
      // data-synonyms): "elektriker" offers 7411 "Installations- och serviceelektriker".
      searchField: select.hasAttribute("data-search-synonyms") ? ["text", "synonyms"] : ["text"],
      plugins: select.multiple ? ["remove_button"] : [],
      // A single choice closes the list: left open, it covers the fields below (the next row of
      // a formset), and a click meant for them picks another option here instead.
      closeAfterSelect: !select.multiple,
    });
    // Tom Select moves the field's <label> to its own combobox and keeps the original select,
    // out of the tab order, only to carry the value: hidden from assistive technology too, it
    // is not announced as a second, unlabelled field.
    select.setAttribute("aria-hidden", "true");
    // What the field says about itself goes to the combobox people actually reach: that it is
    // invalid, and its error and help texts.
    const input = picker.control_input;
    const invalid = select.getAttribute("aria-invalid") === "true" || select.classList.contains("is-invalid");
    if (invalid) {
      input.setAttribute("aria-invalid", "true");
      picker.wrapper.classList.add("is-invalid");
    }
    const ids = describingIds(select);
    if (ids.length) {
      input.setAttribute("aria-describedby", ids.join(" "));
    }
    if (select.required) {
      input.setAttribute("aria-required", "true");
    }
  });
}

// A wide table scrolls inside its wrapper at narrow widths; a wrapper that scrolls is reachable with
// the keyboard (arrow keys scroll it once it has focus).
function focusableScrollRegions(root) {
  root.querySelectorAll(".table-responsive").forEach(function (region) {
    if (region.scrollWidth > region.clientWidth) {
      region.setAttribute("tabindex", "0");
    } else {
      region.removeAttribute("tabindex");
    }
  });
}

document.addEventListener("DOMContentLoaded", function () {
  enhanceSearchableSelects(document);
  focusableScrollRegions(document);
});
window.addEventListener("resize", function () {
  focusableScrollRegions(document);
});
document.addEventListener("htmx:afterSwap", function (event) {
  enhanceSearchableSelects(event.target);
  focusableScrollRegions(event.target);
});

// Propose from a ranking or an allocation row: htmx puts the pre-filled form (with every problem) in
// the dialog, which opens; a proposal that succeeds answers with a redirect instead. When the dialog
// closes, the focus goes back to the button that opened it (Bootstrap does that only for dialogs it
// opens itself, from a data-bs-toggle).
let proposeOpener = null;
document.addEventListener("htmx:beforeRequest", function (event) {
  const dialog = document.getElementById("propose-dialog");
  const form = event.detail.elt;
  if (dialog && form && form.tagName === "FORM" && !dialog.contains(form)) {
    proposeOpener = form.querySelector("[type=submit]");
  }
});
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.target.id !== "propose-dialog-content" || typeof bootstrap === "undefined") {
    return;
  }
  const dialog = document.getElementById("propose-dialog");
  if (!dialog.dataset.returnsFocus) {
    dialog.dataset.returnsFocus = "true";
    dialog.addEventListener("hidden.bs.modal", function () {
      if (proposeOpener && document.body.contains(proposeOpener)) {
        proposeOpener.focus();
      }
    });
  }
  if (dialog.classList.contains("show")) {
    // Posted again from the open dialog: the button that had the focus is gone with the old content,
    // so the focus goes to what is still missing (or the dialog), not to the page behind.
    const problems = event.target.querySelector("[data-problems]");
    (problems || dialog).focus();
    return;
  }
  bootstrap.Modal.getOrCreateInstance(dialog).show();
});

// "Add a row" in a formset (work experience): a copy of the formset's empty form, numbered next,
// without a page load. Without JavaScript the button stays hidden and the empty rows the page
// brings, with a save, do the same.
function enableFormsetRows(root) {
  root.querySelectorAll("[data-formset-add]").forEach(function (button) {
    const prefix = button.dataset.formsetAdd;
    const rows = document.getElementById(button.dataset.formsetRows);
    const template = document.getElementById(button.dataset.formsetTemplate);
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!rows || !template || !total || button.dataset.formsetReady) {
      return;
    }
    button.dataset.formsetReady = "true";
    button.hidden = false;
    const hint = button.parentElement.querySelector("[data-formset-no-script]");
    if (hint) {
      hint.hidden = true;
    }
    const limit = max ? parseInt(max.value, 10) : Infinity;
    const update = function () {
      button.disabled = parseInt(total.value, 10) >= limit;
    };
    update();
    button.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      if (index >= limit) {
        return;
      }
      const holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      const row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      update();
      enhanceSearchableSelects(row);
      const first = row.querySelector("input:not([type=hidden]), select");
      const focusable = first && first.tomselect ? first.tomselect.control_input : first;
      if (focusable) {
        focusable.focus();
      }
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  enableFormsetRows(document);
});
