// The atlas's script: the search box, and pictures scrolled to the service a page is about.
// The search finds services, teams, scenarios and components by id or name. The index (search-index.js,
// window.ATLAS_INDEX = [[id, name, kind, page], ...]) is loaded on first use: a script file, so
// that it works from file:// too, where a page may not fetch() its neighbours.
(function () {
  "use strict";
  var box, list, loading = false;

  function load(then) {
    if (window.ATLAS_INDEX) { then(); return; }
    if (loading) { return; }
    loading = true;
    var script = document.createElement("script");
    script.src = "search-index.js";
    script.onload = then;
    document.head.appendChild(script);
  }

  function show() {
    var query = box.value.trim().toLowerCase();
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!query || !window.ATLAS_INDEX) { return; }
    var found = 0;
    var exact = [], other = [];
    window.ATLAS_INDEX.forEach(function (entry) {
      var id = entry[0].toLowerCase(), name = entry[1].toLowerCase();
      if (id === query || name === query) { exact.push(entry); }
      else if (id.indexOf(query) >= 0 || name.indexOf(query) >= 0) { other.push(entry); }
    });
    exact.concat(other).slice(0, 30).forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry[3];
      link.textContent = entry[1];
      item.appendChild(link);
      var what = document.createElement("small");
      what.textContent = " " + entry[2] + (entry[1] !== entry[0] ? " · " + entry[0] : "");
      item.appendChild(what);
      list.appendChild(item);
      found += 1;
    });
    if (!found) {
      var none = document.createElement("li");
      none.textContent = "Nothing matches.";
      list.appendChild(none);
    }
  }

  // a picture larger than its frame opens on the page's own box, not on its empty top-left corner
  function centre() {
    Array.prototype.forEach.call(document.querySelectorAll(".frame"), function (frame) {
      var own = frame.querySelector("g#focus");
      if (!own || (frame.scrollWidth <= frame.clientWidth && frame.scrollHeight <= frame.clientHeight)) { return; }
      var box = own.getBoundingClientRect(), outer = frame.getBoundingClientRect();
      frame.scrollLeft += box.left + box.width / 2 - (outer.left + frame.clientWidth / 2);
      frame.scrollTop += box.top + box.height / 2 - (outer.top + frame.clientHeight / 2);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    centre();
    box = document.getElementById("q");
    list = document.getElementById("results");
    if (!box || !list) { return; }
    box.addEventListener("focus", function () { load(show); });
    box.addEventListener("input", function () { load(show); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { box.value = ""; show(); }
      if (event.key === "Enter") {
        var first = list.querySelector("a");
        if (first) { window.location.href = first.href; }
      }
    });
  });
})();
