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
