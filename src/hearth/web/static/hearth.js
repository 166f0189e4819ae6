// Hearth's own small script: confirmations, keyboard shortcuts, copy fields. No inline script
// anywhere (the Content-Security-Policy forbids it), so behaviour hangs off data attributes.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("copy")) {
      event.target.select();
    }
  });

  // Saved replies: choosing one inserts its text where the cursor is.
  document.addEventListener("change", function (event) {
    var target = event.target.getAttribute && event.target.getAttribute("data-insert-into");
    if (!target || !event.target.value) { return; }
    var area = document.getElementById(target);
    var at = area.selectionStart || area.value.length;
    area.value = area.value.slice(0, at) + event.target.value + area.value.slice(at);
    event.target.value = "";
    area.focus();
  });

  // "Use" on a suggested answer puts it in the reply box.
  document.addEventListener("click", function (event) {
    var text = event.target.getAttribute && event.target.getAttribute("data-insert-text");
    if (text === null || text === undefined) { return; }
    var area = document.getElementById(event.target.getAttribute("data-insert-into"));
    area.value = area.value ? area.value + "\n" + text : text;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
  });

  // Typing a reply tells teammates "X is writing" through the presence poll.
  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-draft-activity")) {
      var activity = document.getElementById("activity");
      if (activity) { activity.value = "drafting"; }
    }
  });

  // The queue refreshes itself, except while rows are selected for a bulk action.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.id === "queue-rows" &&
        document.querySelector("#bulk-form input[name=ids]:checked")) {
      event.preventDefault();
    }
  });

  // Queue keys: j/k move, Enter opens, x selects. Conversation: e closes.
  var cursor = -1;
  function queueRows() { return document.querySelectorAll("[data-keyboard-list] tbody tr[data-href]"); }
  function moveCursor(step) {
    var rows = queueRows();
    if (!rows.length) { return; }
    cursor = Math.max(0, Math.min(rows.length - 1, cursor + step));
    rows.forEach(function (row, i) { row.classList.toggle("cursor", i === cursor); });
    rows[cursor].scrollIntoView({ block: "nearest" });
  }
  function listKeys(event) {
    var rows = queueRows();
    if (event.key === "j") { moveCursor(1); return true; }
    if (event.key === "k") { moveCursor(-1); return true; }
    if (event.key === "Enter" && rows[cursor]) { window.location.assign(rows[cursor].getAttribute("data-href")); return true; }
    if (event.key === "x" && rows[cursor]) { var box = rows[cursor].querySelector("input[type=checkbox]"); box.checked = !box.checked; return true; }
    if (event.key === "e") { var close = document.querySelector("[data-shortcut-close]"); if (close) { close.click(); return true; } }
    return false;
  }

  // "g" then a letter jumps to an area, as in mail clients; "?" lists the shortcuts.
  var pendingG = false;
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (pendingG) {
      pendingG = false;
      var link = document.querySelector('nav.sidebar a[data-shortcut="' + event.key + '"]');
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
      return;
    }
    if (listKeys(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === "g") {
      pendingG = true;
      window.setTimeout(function () { pendingG = false; }, 1500);
    }
  });
})();
