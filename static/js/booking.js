// Progressive enhancement for the booking pages. Everything works without it.
(function () {
  "use strict";

  // Follow-up questions appear only when the answer they depend on is given.
  function updateFollowUps(form) {
    form.querySelectorAll("[data-follow-up-of]").forEach(function (question) {
      var parent = form.querySelector(
        'input[name="' + question.dataset.followUpOf + '"]:checked'
      );
      var shown = parent && parent.value === question.dataset.followUpAnswer;
      question.hidden = !shown;
    });
  }
  document.querySelectorAll(".screening-form").forEach(function (form) {
    form.addEventListener("change", function () { updateFollowUps(form); });
    updateFollowUps(form);
  });

  // On phones the days are one row that scrolls sideways: keep the chosen day in view.
  function showChosenDay() {
    var active = document.querySelector(".day-picker a.active");
    var list = active && active.closest("ul");
    if (list && list.scrollWidth > list.clientWidth) {
      list.scrollLeft = active.parentElement.offsetLeft - list.offsetLeft - 8;
    }
  }
  showChosenDay();

  // Choosing a day swaps in its times without reloading the whole page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".day-picker a");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        ["nav.day-picker", "form.time-picker"].forEach(function (selector) {
          var current = document.querySelector(selector);
          var fresh = next.querySelector(selector);
          if (current && fresh) current.replaceWith(fresh);
        });
        history.replaceState(null, "", link.href.split("#")[0]);
        showChosenDay();
        var heading = document.getElementById("times-heading");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      })
      .catch(function () { window.location.href = link.href; });
  });
})();
