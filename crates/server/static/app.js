// Inkstone pages work without this script. It only stops a second click on a form's button
// while the first submission is on its way (the server detects repeats as well).
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.method === "get") return;
  if (form.dataset.sent) { e.preventDefault(); return; }
  form.dataset.sent = "1";
  var buttons = form.querySelectorAll("button[type=submit]");
  for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute("aria-disabled", "true");
});
window.addEventListener("pageshow", function (e) {
  // Coming back with the back button: the forms may be sent again.
  if (!e.persisted) return;
  var forms = document.querySelectorAll("form[data-sent]");
  for (var i = 0; i < forms.length; i++) delete forms[i].dataset.sent;
});
