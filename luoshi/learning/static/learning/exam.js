/* The exam page's countdown: shows mm:ss left and hands the paper in when time is up. The server
   decides what counts (answers after the deadline are not scored); this is only the display. */
(function () {
  "use strict";
  var node = document.getElementById("countdown");
  var form = document.getElementById("exam-form");
  if (!node || !form) { return; }
  var end = Date.now() + parseInt(node.getAttribute("data-seconds"), 10) * 1000;
  var sent = false;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    node.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    if (left === 0 && !sent) { sent = true; form.submit(); return; }
    if (left > 0) { window.setTimeout(tick, 1000); }
  }
  form.addEventListener("submit", function () { sent = true; });
  tick();
})();
