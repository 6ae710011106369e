// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = "Copied";
      }, function () {
        field.select();
      });
    });
  });
});

// Native sharing (a member's profile): a button[data-share] names the field
// holding the address to share and appears only where the browser can share.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-share]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-share"));
    if (!field || !navigator.share) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.getAttribute("data-share-title") || document.title, url: field.value }).catch(function () {});
    });
  });
});
