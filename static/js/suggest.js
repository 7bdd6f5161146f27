// Type-ahead for the article, outlet and source filters: fills each box's <datalist> with
// matches from the suggestion endpoint as the reader types. Without this script the boxes are
// plain text boxes, and the server resolves whatever name was typed.
(function () {
  "use strict";
  var MIN_LENGTH = 2;
  var WAIT_MS = 200;

  function enhance(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    if (!list || !url) {
      return;
    }
    var timer = null;
    var controller = null;
    var lastTerm = "";

    function show(results) {
      var options = document.createDocumentFragment();
      results.forEach(function (result) {
        var option = document.createElement("option");
        option.value = result.value;
        if (result.detail) {
          option.label = result.value + " (" + result.detail + ")";
        }
        options.appendChild(option);
      });
      list.replaceChildren(options);
    }

    function fetchSuggestions() {
      var term = input.value.trim();
      if (term === lastTerm) {
        return;
      }
      lastTerm = term;
      if (term.length < MIN_LENGTH) {
        show([]);
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(term), {
        signal: controller.signal,
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          show(data.results || []);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            show([]);
          }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, WAIT_MS);
    });
  }

  document.querySelectorAll("input[data-suggest][list]").forEach(enhance);
})();
