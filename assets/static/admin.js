// The console's progressive enhancement: every page works without it.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submission, take keyboard and screen-reader users to
  // the summary of what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});

// People, API keys and settings: "Copy" buttons beside a read-only field
// (a password link, an API key, the public page), shown only where the
// clipboard can be written; without it, the field is selected instead.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || button.dataset.copyReady) {
      return;
    }
    button.dataset.copyReady = "1";
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { button.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
      } else {
        field.select();
      }
    });
  });
});
