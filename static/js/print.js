// The receipt's Print / Save button: shown only when this script runs, since printing
// needs it; without it the page says to use the browser's own Print or Share menu.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
