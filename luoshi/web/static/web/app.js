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

// Phone layout (issue 18): a fold marked data-fold-narrow (a list's filters) starts closed on a narrow
// screen, so the list comes first; it is open without script and on wider screens.
(function () {
  if (!window.matchMedia || !window.matchMedia("(max-width: 760px)").matches) return;
  document.querySelectorAll("details[data-fold-narrow]").forEach(function (d) {
    if (!d.querySelector("[aria-invalid=true], .errorlist")) d.removeAttribute("open");
  });
})();
