// Luoshi: small page helpers; everything works without them where it costs little.
document.addEventListener("htmx:responseError", function (evt) {
  var status = evt.detail.xhr.status;
  var box = document.getElementById("htmx-error");
  if (!box) {
    box = document.createElement("div");
    box.id = "htmx-error";
    box.className = "msg msg-error";
    box.setAttribute("role", "alert");
    document.querySelector(".main").prepend(box);
  }
  // 413: the server says how large an upload may be; show that rather than "reload".
  if (status === 413 && evt.detail.xhr.responseText) {
    box.textContent = evt.detail.xhr.responseText;
    return;
  }
  box.textContent = (document.documentElement.lang || "").indexOf("en") === 0
    ? "Request failed (" + status + "). Please reload the page."
    : "请求失败（" + status + "），请刷新页面后重试。";
});

// Filter forms marked data-drop-empty send (and push into the address bar) only the fields in use.
document.addEventListener("htmx:configRequest", function (evt) {
  var elt = evt.target;
  if (!elt || !elt.closest || !elt.closest("form[data-drop-empty]")) return;
  var params = evt.detail.parameters;
  if (!params) return;
  Object.keys(params).forEach(function (key) {
    if (params[key] === "") delete params[key];
  });
});

// Selects that act at once (the Content-Security-Policy allows no inline handlers): submit their form,
// or go to the address in their value.
document.addEventListener("change", function (evt) {
  var elt = evt.target;
  if (!elt || !elt.matches) return;
  if (elt.matches("[data-submit-on-change]") && elt.form) elt.form.submit();
  else if (elt.matches("[data-go-on-change]") && elt.value) window.location.href = elt.value;
});

// The menu below 760 px (issue 18): a real button opens and closes it, by touch, mouse or keyboard
// (Enter and Space are the button's own). With script the menu starts folded; Escape folds it back
// and returns focus to the button.
(function () {
  var button = document.querySelector(".nav-toggle");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!button || !menu) return;
  document.documentElement.classList.add("js-nav");
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  menu.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
})();

// A table wider than the screen scrolls inside its wrapper; the wrapper takes focus then, so the
// keyboard can scroll it too (issue 18). Checked on load, after each HTMX swap and on resize.
(function () {
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) wrap.setAttribute("tabindex", "0");
      else if (wrap.getAttribute("tabindex") === "0") wrap.removeAttribute("tabindex");
    });
  }
  mark();
  document.addEventListener("htmx:afterSettle", mark);
  window.addEventListener("resize", mark);
})();
// After an HTMX action the server names what happened (HX-Trigger-After-Settle, `luoshi:announce`:
// web/htmx.py's `announce`): the page's one polite live region says the message, and focus moves to
// the element named — the swapped row's result, or the field to correct — instead of falling to <body>.
document.addEventListener("luoshi:announce", function (evt) {
  var detail = evt.detail || {};
  var target = detail.focus ? document.querySelector(detail.focus) : null;
  if (target) {
    if (!target.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }
  var region = document.getElementById("announcer");
  if (region && detail.message) {
    // Emptied first, so that the same message twice in a row (two rows filed alike) is read twice.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = detail.message; }, 100);
  }
});

// Swaps no view named an announcement for: a list filtered, sorted or paged (GET from a form or a
// link). The region says the list's count (the element marked data-announce in the new content) or
// that the list was updated; polling and fold-outs say nothing. Focus stays in the filter; only when
// the focused control was swapped out (a pager or sort link) does it go to the count, not to <body>.
var focusWasIn = null, lastSwap = null;
document.addEventListener("htmx:beforeSwap", function (evt) {
  var target = evt.detail.target, active = document.activeElement;
  focusWasIn = target && active && active !== document.body && target.contains(active) ? target : null;
});
document.addEventListener("htmx:afterSettle", function (evt) {
  var detail = evt.detail, xhr = detail.xhr, config = detail.requestConfig || {};
  // Once per request: out-of-band pieces (a list's facet counts) settle too.
  if (!xhr || xhr === lastSwap) return;
  lastSwap = xhr;
  var lost = focusWasIn;
  focusWasIn = null;
  if (xhr.getResponseHeader("HX-Trigger-After-Settle")) return;
  var elt = config.elt;
  var fromUser = elt && elt.closest && (elt.closest("form") || elt.closest("a[href]"));
  if (config.verb !== "get" || !fromUser) return;
  var swapped = detail.target && detail.target.isConnected ? detail.target : evt.target;
  if (!swapped || !swapped.querySelector) return;
  var count = swapped.matches("[data-announce]") ? swapped : swapped.querySelector("[data-announce]");
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  var message = count ? count.textContent.trim() : english ? "List updated." : "列表已更新。";
  if (lost && (!document.activeElement || document.activeElement === document.body)) {
    var home = count || swapped;
    if (!home.hasAttribute("tabindex")) home.setAttribute("tabindex", "-1");
    home.focus();
  }
  document.dispatchEvent(new CustomEvent("luoshi:announce", { detail: { message: message } }));
});

// Phone layout (issue 18): a fold marked data-fold-narrow (a list's filters) starts closed on a narrow
// screen, so the list comes first; it is open without script and on wider screens.
(function () {
  if (!window.matchMedia || !window.matchMedia("(max-width: 760px)").matches) return;
  document.querySelectorAll("details[data-fold-narrow]").forEach(function (d) {
    if (!d.querySelector("[aria-invalid=true], .errorlist")) d.removeAttribute("open");
  });
})();
