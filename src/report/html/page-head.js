// Runs first: errors and blocked requests are recorded on <html>, so a headless test can
// read them back from the page as the browser built it.
(function () {
  var root = document.documentElement;
  function note(attr, text) {
    var old = root.getAttribute(attr);
    root.setAttribute(attr, (old ? old + " | " : "") + text);
  }
  window.addEventListener("error", function (e) {
    note("data-errors", e.message ? String(e.message) : "a resource failed to load");
  }, true);
  document.addEventListener("securitypolicyviolation", function (e) {
    note("data-blocked", e.violatedDirective + " " + e.blockedURI);
  });
})();
