// Live updates: when the engine reports a pass for what this page shows, the page content is
// fetched again and swapped in. Without JavaScript the pages and forms work the same, unrefreshed.
(function () {
  "use strict";
  var body = document.body;
  var base = body.getAttribute("data-base") || "";
  var app = body.getAttribute("data-app") || "";
  var live = document.getElementById("live");
  if (!window.EventSource || !live) {
    return;
  }
  var timer = null;
  // Fetches this page again and swaps in its content if it changed; then calls done.
  function refresh(done) {
    if (timer) {
      return;
    }
    timer = setTimeout(function () {
      timer = null;
      var active = document.activeElement;
      // Never pull the page from under someone choosing a revision.
      if (active && active.tagName === "SELECT") {
        if (done) {
          done();
        }
        return;
      }
      fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (res) { return res.ok ? res.text() : null; })
        .then(function (html) {
          var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById("main");
          var current = document.getElementById("main");
          // Swap only what changed, so focus and selections survive a no-op refresh.
          if (fresh && current && fresh.innerHTML !== current.innerHTML) {
            current.replaceWith(fresh);
          }
        })
        .catch(function () {})
        .then(function () {
          if (done) {
            done();
          }
        });
    }, 250);
  }
  var events = new EventSource(base + "/api/events");
  events.onopen = function () {
    // A pass may have finished between rendering this page and connecting: catch up first.
    refresh(function () {
      live.textContent = "Live";
      live.classList.add("on");
    });
  };
  events.onerror = function () {
    live.textContent = "Reconnecting…";
    live.classList.remove("on");
  };
  ["pass", "approval", "health"].forEach(function (type) {
    events.addEventListener(type, function (event) {
      var data = JSON.parse(event.data);
      if (!app || data.application === app) {
        refresh();
      }
    });
  });
})();
