// The applicant's pages' small enhancements, in one file: on a first visit over slow mobile
// data each file costs a request and its headers. Each part looks for its own markup.

// A follow-up question shown only for the answer it belongs to: the renewal date only
// for "Renewal", a person's or a company's fields for that kind of sponsor. Without this
// script every question shows, each hint saying when it applies.
document.querySelectorAll("[data-reveal-for]").forEach(function (box) {
  var name = box.getAttribute("data-reveal-for");
  var value = box.getAttribute("data-reveal-value");
  var form = box.closest("form");
  function update() {
    var chosen = form.querySelector('input[name="' + name + '"]:checked');
    box.hidden = !(chosen && chosen.value === value);
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === name) update();
  });
  update();
});

// GOV.UK's timeout warning: two minutes before the log-in ends for lack of use, a box says
// so and offers "Stay signed in", which tells the server (POST /session/stay) and starts
// the count again. An htmx request counts as use too. Without this script nothing shows.
(function () {
  var box = document.querySelector("[data-session-warning]");
  if (!box) { return; }
  var text = box.querySelector("[data-ticking]");
  var form = box.querySelector("form");
  var WARN_BEFORE = 120 * 1000;
  // The server notes a use at most once a minute: count from the start of that minute.
  var SEEN_EVERY = 60;
  var idle = Number(box.dataset.idleSeconds);
  var endsAt;
  var timer;

  function minutesAndSeconds(seconds) {
    return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }
  function start(secondsLeft) {
    endsAt = Date.now() + secondsLeft * 1000;
    box.hidden = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(tick, Math.max(0, endsAt - WARN_BEFORE - Date.now()));
  }
  function tick() {
    var left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    if (box.hidden) {
      box.hidden = false;
      form.querySelector("button").focus();
    }
    if (left === 0) {
      text.textContent = text.dataset.ended;
      form.hidden = true;
      return;
    }
    text.textContent = text.dataset.ticking.replace("{time}", minutesAndSeconds(left));
    timer = window.setTimeout(tick, 1000);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.ok) { start(idle); } else { endsAt = Date.now(); tick(); }
    });
  });
  document.addEventListener("htmx:afterRequest", function () { start(idle - SEEN_EVERY); });
  start(Number(box.dataset.secondsLeft));
})();
