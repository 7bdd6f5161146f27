// Every text box with data-maxlength counts down to its limit underneath, as editors type.
(function () {
  "use strict";
  function attach(box) {
    const limit = Number(box.dataset.maxlength);
    if (!limit || box.dataset.counted) {
      return;
    }
    box.dataset.counted = "1";
    const counter = document.createElement("p");
    counter.className = "help char-counter";
    counter.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", counter);
    function update() {
      const left = limit - box.value.length;
      counter.textContent = box.value.length.toLocaleString() + " / " + limit.toLocaleString() +
        " characters" + (left < 200 ? " (" + left.toLocaleString() + " left)" : "");
      counter.classList.toggle("char-counter-low", left < 200);
    }
    box.addEventListener("input", update);
    update();
  }
  function attachAll() {
    document.querySelectorAll("textarea[data-maxlength]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attachAll);
  } else {
    attachAll();
  }
})();
