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

// The rule builder: choosing another type of condition redraws that
// condition's fields at once (the field's hint says so), as its "Change
// type" button does without JavaScript.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches || !select.matches("#rule-form select[name$='.type']")) {
    return;
  }
  var row = select.closest(".rule-type");
  var button = row && row.querySelector("[data-rule-retype]");
  if (button) {
    button.click();
  }
});
