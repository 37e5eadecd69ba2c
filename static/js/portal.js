/* Small progressive enhancements. Every page works without this file.
 *
 * The language select is deliberately NOT submitted on change: keyboard users move through
 * the options with the arrow keys, and a page reload on each step would be a WCAG 3.2.2
 * failure. The "Change language" button stays.
 */
(function () {
  "use strict";

  // Guard against double submission (a slow network and a second tap would post twice).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.submitted === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "true";
  });

  // Coming back with the browser's back button restores the page from cache: allow posting again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
    });
  });
})();
