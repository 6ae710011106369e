// Progressive enhancement only: every page works without this file.

// enhance shows each button carrying attr once the browser can do what it
// does (available), and runs act with the field the attribute names.
function enhance(attr, available, act) {
  document.querySelectorAll("button[" + attr + "]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute(attr));
    if (!field || !available()) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      act(button, field);
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  // Copying a link: button[data-copy] names the field holding it.
  enhance("data-copy", function () { return navigator.clipboard; }, function (button, field) {
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = "Copied";
    }, function () {
      field.select();
    });
  });
  // Native sharing (a member's profile): button[data-share] names the
  // field holding the address to share.
  enhance("data-share", function () { return navigator.share; }, function (button, field) {
    navigator.share({ title: button.getAttribute("data-share-title") || document.title, url: field.value }).catch(function () {});
  });
});
