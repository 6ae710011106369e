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

// Badges: the form's public page preview follows what is typed. The form
// posts into the preview's frame through its "Update the preview" button
// (which works without JavaScript); here it does so on its own, a moment
// after typing stops, and once on opening so the frame shows the form.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-live-preview]");
  var button = form && document.getElementById(form.getAttribute("data-live-preview"));
  if (!button || !form.requestSubmit) {
    return;
  }
  var timer = null;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () { form.requestSubmit(button); }, 600);
  }
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  if (document.querySelector(".error-summary")) {
    form.requestSubmit(button);
  }
});
