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
