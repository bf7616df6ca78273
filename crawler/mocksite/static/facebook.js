// Fixture Facebook profile: the first posts come in the page's markup; scrolling to the end fetches the next ones.
// A cut message ("… Lihat selengkapnya") opens on a click with the full text the page's Relay data holds (story
// nodes {post_id, message: {text}}: the data-sjs blob for the first posts, the GraphQL answers for the next ones).
(function () {
  "use strict";
  // (a permalink page has no feed: only its cut message opens)
  var root = document.getElementById("fb-root"), cursor = root ? root.dataset.cursor : null, loading = false;
  var feed = root ? root.querySelector('[role="feed"]') : null;
  var done = !feed || !feed.querySelector('[role="progressbar"]');
  var full = {};
  function remember(o) {
    if (!o || typeof o !== "object") { return; }
    if (o.post_id && o.message && typeof o.message.text === "string") { full[o.post_id] = o.message.text; }
    for (var k in o) { if (Object.prototype.hasOwnProperty.call(o, k)) { remember(o[k]); } }
  }
  document.querySelectorAll("script[data-sjs]").forEach(function (s) {
    try { remember(JSON.parse(s.textContent)); } catch (e) { /* not ours */ }
  });
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest('[role="button"]') : null;
    if (!button || !/^(Lihat selengkapnya|See more)$/.test(button.textContent.trim())) { return; }
    var box = button.closest("[data-story-id]"), text = box ? full[box.dataset.storyId] : null;
    if (text == null) { return; }
    var shown = box.querySelector('[dir="auto"]');
    shown.textContent = "";
    text.split("\n").forEach(function (line, i) {
      if (i) { shown.appendChild(document.createElement("br")); }
      shown.appendChild(document.createTextNode(line));
    });
  });
  function more() {
    if (loading || done) { return; }
    loading = true;
    var v = {id: root.dataset.userId, cursor: cursor, count: 5, scale: 1};
    fetch("/api/graphql/?fb_api_req_friendly_name=ProfileCometTimelineFeedRefetchQuery&variables=" +
          encodeURIComponent(JSON.stringify(v)), {credentials: "include"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        var units = d && d.data && d.data.node ? d.data.node.timeline_feed_units : null;
        var bar = feed.querySelector('[role="progressbar"]');
        if (!units) { done = true; loading = false; return; }
        remember(units.edges);
        if (bar) { bar.remove(); }
        feed.insertAdjacentHTML("beforeend", units.markup);
        if (units.page_info.has_next_page) {
          cursor = units.page_info.end_cursor;
          feed.insertAdjacentHTML("beforeend", '<div role="progressbar" aria-label="Memuat..."></div>');
        } else { done = true; }
        loading = false; check();
      })
      .catch(function () { loading = false; });
  }
  function check() { if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 200) { more(); } }
  window.addEventListener("scroll", check);
})();
