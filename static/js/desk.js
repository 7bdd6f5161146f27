// The review desk's keyboard shortcuts and source suggestions. The page works without this
// file (plain forms and links); the shortcuts are listed on the page, and implemented here.
(function () {
  "use strict";
  const desk = document.getElementById("desk");
  const form = document.getElementById("desk-form");
  if (!desk || !form) {
    return;
  }
  const reason = form.querySelector("textarea[name=reason]");
  const source = form.querySelector("input[name=add_source]");
  const saveNext = document.getElementById("desk-save-next");
  const save = document.getElementById("desk-save");
  const shortcuts = document.getElementById("desk-shortcuts");

  function typingIn(element) {
    return element && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }

  function submitWith(button) {
    if (form.requestSubmit) {
      form.requestSubmit(button);
    } else {
      button.click();
    }
  }

  function follow(id) {
    const link = document.getElementById(id);
    if (link) {
      window.location.assign(link.href);
    }
  }

  function chooseVerdict(key) {
    const label = form.querySelector('label.desk-verdict[data-key="' + key + '"]');
    if (!label) {
      return false;
    }
    const radio = label.querySelector("input[type=radio]");
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    if (reason) {
      reason.focus();
      reason.setSelectionRange(reason.value.length, reason.value.length);
    }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      submitWith(saveNext);
      return;
    }
    if (event.altKey && event.shiftKey && (event.key === "S" || event.key === "s")) {
      event.preventDefault();
      submitWith(save);
      return;
    }
    if (event.key === "Escape" && typingIn(document.activeElement)) {
      document.activeElement.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) {
      return;
    }
    let handled = true;
    if (/^[0-5]$/.test(event.key)) {
      handled = chooseVerdict(event.key);
    } else if (event.key === "j") {
      follow("desk-skip");
    } else if (event.key === "k") {
      follow("desk-previous");
    } else if (event.key === "r" && reason) {
      reason.focus();
    } else if (event.key === "e" && source) {
      source.focus();
    } else if (event.key === "?" && shortcuts) {
      shortcuts.open = !shortcuts.open;
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  });

  // Suggestions for the source box from the admin's own autocomplete (our sources by title
  // and outlet). A pasted web address is left alone: the server puts it on record.
  const options = document.getElementById("desk-source-options");
  const url = desk.dataset.autocompleteUrl;
  let timer = null;
  let asked = "";
  if (source && options && url) {
    source.addEventListener("input", function () {
      const term = source.value.trim();
      window.clearTimeout(timer);
      if (term.length < 2 || /^(https?:\/\/|www\.)/i.test(term) || /#\d+\)?$/.test(term)) {
        return;
      }
      timer = window.setTimeout(function () {
        if (term === asked) {
          return;
        }
        asked = term;
        const query = new URLSearchParams({
          term: term, app_label: "claims", model_name: "evidence", field_name: "source",
        });
        fetch(url + "?" + query.toString(), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            options.replaceChildren();
            data.results.forEach(function (result) {
              const option = document.createElement("option");
              option.value = result.text + " (#" + result.id + ")";
              options.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a help, not a need */ });
      }, 200);
    });
  }
})();
