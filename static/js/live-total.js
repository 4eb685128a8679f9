// While htmx runs, the fee follows every answer, so the button that works it out again
// (for a browser without JavaScript) is not needed, nor after htmx swaps the form in.
function hideRecalculate() {
  document.querySelectorAll("[data-recalculate]").forEach(function (button) {
    button.hidden = true;
  });
}
if (window.htmx) {
  hideRecalculate();
  document.body.addEventListener("htmx:afterSettle", hideRecalculate);
}
