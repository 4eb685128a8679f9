// The sponsor question: with this script only the fields of the kind of sponsor chosen
// show; without it both groups show and the server reads only the chosen one.
document.querySelectorAll("[data-sponsor-kind]").forEach(function (form) {
  var groups = form.querySelectorAll("[data-sponsor-group]");
  function show() {
    var chosen = form.querySelector("input[name=sponsor_kind]:checked");
    groups.forEach(function (group) {
      group.hidden = !chosen || group.getAttribute("data-sponsor-group") !== chosen.value;
    });
  }
  form.addEventListener("change", show);
  show();
});
