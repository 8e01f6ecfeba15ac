// The status page's live updates: the server pushes the page's content (already escaped HTML
// it rendered from the journal) as Server-Sent Events, and this swaps it in. Without
// JavaScript the page reloads itself instead (<noscript> refresh); the Content-Security-Policy
// allows no other script.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var said = document.getElementById("live-state");
  var url = document.body.getAttribute("data-events");
  if (!live || !url || !window.EventSource) {
    return;
  }
  function say(text, trouble) {
    if (said) {
      said.textContent = text;
      said.classList.toggle("trouble", trouble);
    }
  }
  var source = new EventSource(url);
  source.addEventListener("open", function () {
    say("Live: this page changes as the recovery goes on.", false);
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      // refused (a server that no longer knows the page, a proxy error): load it again later
      say("Live updates stopped: this page reloads in 30 s.", true);
      window.setTimeout(function () { window.location.reload(); }, 30000);
    } else {
      say("Connection to the server lost: reconnecting...", true);
    }
  });
  source.addEventListener("update", function (event) {
    var fresh = new DOMParser().parseFromString(event.data, "text/html");
    live.replaceChildren.apply(live, Array.prototype.slice.call(fresh.body.childNodes));
    live.setAttribute("data-version", event.lastEventId);
  });
})();
