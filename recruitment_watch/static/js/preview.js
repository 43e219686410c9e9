// Live criteria preview of the agency's contract form (progressive enhancement: the form works fully without it,
// with its "Check" button). Served from the app, no inline script, nothing from outside (the CSP allows no other).
// As the agency types, the form is posted (with its CSRF token) to the JSON preview endpoint, at most once per pause
// in typing, and the answer's fragment — rendered and escaped by the server — replaces the live region's content.
(function () {
  "use strict";
  var form = document.getElementById("contract-form");
  var body = document.getElementById("preview-body");
  if (!form || !body || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-preview-url");
  var tokenField = form.querySelector("input[name=csrf_token]");
  var pause = 700; // milliseconds without a change before asking
  var timer = null;
  var latest = 0;

  function refresh() {
    var asked = ++latest;
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": tokenField ? tokenField.value : "" }
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer && asked === latest && typeof answer.html === "string") {
          body.innerHTML = answer.html; // the server's template output, escaped there
        }
      })
      .catch(function () {
        // Offline or refused: the "Check" button still works; leave the last preview as it is.
      });
  }

  function schedule(event) {
    if (event.target && event.target.name === "employer_search") {
      return; // searching the register is not a change of the contract
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, pause);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
