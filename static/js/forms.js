// After a failed submit the page opens on the error summary: focus goes there, so a
// screen reader reads the problems first and the keyboard starts from their list.
// The summary also carries `autofocus`, which does the same without script; this covers
// the browsers and situations (a restored page, a focus already placed) that skip it.
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }

  // A link in the summary puts focus in the field itself, with its question in view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var group = field.closest("fieldset");
    var caption = (group && group.querySelector("legend")) ||
      document.querySelector("label[for='" + field.id + "']");
    (caption || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
