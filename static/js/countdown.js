// The wait before "Send a new code" may be pressed, counted down live. Without this script
// the page still says how many seconds were left when it was made, and pressing early
// only says so again. m:ss, so the words need no plural for every number.
document.querySelectorAll("[data-countdown]").forEach(function (shown) {
  var spoken = shown.parentNode.querySelector("[data-countdown-spoken]");
  var endsAt = Date.now() + Number(shown.dataset.countdown) * 1000;
  function text(seconds) {
    if (seconds <= 0) { return shown.dataset.done; }
    var clock = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    return shown.dataset.ticking.replace("{time}", clock);
  }
  function tick() {
    var seconds = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    shown.textContent = text(seconds);
    if (spoken && (seconds === 0 || seconds % 15 === 0)) { spoken.textContent = text(seconds); }
    if (seconds > 0) { window.setTimeout(tick, 1000); }
  }
  tick();
});
