// The try-it simulator's keyboard: digits, * and # press the keypad's buttons, S stays silent,
// and while a connection rings A, B, N, F end it (answered, busy, no answer, failed).
// Progressive enhancement only: every key is a form button that works without this file.
(function () {
  "use strict";
  var named = { s: "silence", "-": "silence", a: "completed", b: "busy", n: "no-answer", f: "failed" };
  var form = document.getElementById("try-keypad");
  if (!form) { return; }
  var now = document.getElementById("now");
  if (now && window.location.hash === "#now") { now.focus({ preventScroll: true }); }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    var target = event.target;
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) { return; }
    var key = event.key.length === 1 ? event.key.toLowerCase() : "";
    var value = /^[0-9*#]$/.test(key) ? key : named[key];
    if (!value) { return; }
    var button = form.querySelector('button[data-key="' + value + '"]');
    if (!button || button.disabled || button.closest("fieldset:disabled")) { return; }
    event.preventDefault();
    button.click();
  });
}());
