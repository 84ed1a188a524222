// The desk booking page (admin): the questions to read out only while "by phone" is
// chosen. Progressive enhancement: without it, every part of the form is shown.
(function () {
  "use strict";
  var phoneOnly = document.querySelector(".desk-phone-questions");
  var choices = document.querySelectorAll('input[name="answers_by"]');
  if (!phoneOnly || !choices.length) return;
  function update() {
    var chosen = document.querySelector('input[name="answers_by"]:checked');
    phoneOnly.hidden = Boolean(chosen) && chosen.value !== "phone";
  }
  choices.forEach(function (choice) { choice.addEventListener("change", update); });
  update();
})();
