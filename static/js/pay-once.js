// Pay is clickable once (KNET's certification checklist): after the first press the
// button is disabled until the bank's page opens. The server holds the same rule
// without this script: a second press goes to the same bank page.
document.querySelectorAll("form[data-pay-once]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      // After this turn: a button disabled now would leave the form unsent in some browsers.
      window.setTimeout(function () {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      }, 0);
    });
  });
});
// Back from the bank's page (the browser's page cache): the button works again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  document.querySelectorAll("form[data-pay-once]").forEach(function (form) {
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    });
  });
});
