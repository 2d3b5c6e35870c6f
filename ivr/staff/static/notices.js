// Notices form, progressive enhancement only: typing an end time chooses "At this time".
(function () {
  "use strict";
  var end = document.getElementById("notice-end");
  var at = document.getElementById("until-at");
  if (!end || !at) { return; }
  var choose = function () { at.checked = true; };
  end.addEventListener("input", choose);
  end.addEventListener("focus", choose);
}());
