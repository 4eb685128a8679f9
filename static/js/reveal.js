// A follow-up question shown only for the answer it belongs to: the renewal date only
// for "Renewal". Without this script every question shows, each hint saying when it applies.
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
