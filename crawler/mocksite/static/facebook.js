// Fixture Facebook profile: the first posts come in the page's markup; scrolling to the end fetches the next ones.
(function () {
  "use strict";
  var root = document.getElementById("fb-root"), cursor = root.dataset.cursor, loading = false, done = false;
  var feed = root.querySelector('[role="feed"]');
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
