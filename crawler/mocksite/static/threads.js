// Fixture Threads profile: the first posts are in the page's data-sjs JSON; scrolling fetches the next GraphQL pages.
(function () {
  "use strict";
  var root = document.getElementById("barcelona-page-layout"), cursor = null, loading = false, done = true;
  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : s; return d.innerHTML; }
  function find(o, key) {
    if (!o || typeof o !== "object") { return null; }
    if (Object.prototype.hasOwnProperty.call(o, key)) { return o[key]; }
    for (var k in o) { var r = find(o[k], key); if (r) { return r; } }
    return null;
  }
  function paging(media) {
    var info = media && media.page_info;
    done = !(info && info.has_next_page && (media.edges || []).length);
    cursor = done ? null : info.end_cursor;
  }
  document.querySelectorAll("script[data-sjs]").forEach(function (s) {
    try { var m = find(JSON.parse(s.textContent), "mediaData"); if (m) { paging(m); } } catch (e) { /* not ours */ }
  });
  function render(media) {
    (media.edges || []).forEach(function (e) {
      e.node.thread_items.forEach(function (it) {
        var p = it.post, div = document.createElement("div");
        div.style.minHeight = "160px"; div.setAttribute("data-pressable-container", "true"); div.setAttribute("data-code", p.code);
        div.innerHTML = '<span dir="auto">' + esc(p.caption ? p.caption.text : "") + "</span>";
        document.getElementById("feed").appendChild(div);
      });
    });
  }
  function more() {
    if (loading || done) { return; }
    loading = true;
    var v = {userID: root.dataset.userId, after: cursor, first: 10, __relay_internal__pv__BarcelonaIsLoggedInrelayprovider: false};
    fetch("/api/graphql?fb_api_req_friendly_name=" + root.dataset.friendly + "&doc_id=6232751443445612&variables=" +
          encodeURIComponent(JSON.stringify(v)), {credentials: "include", headers: {"X-IG-App-ID": "238260118697367"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        var m = d && d.data ? d.data.mediaData : null;
        if (m) { render(m); paging(m); } else { done = true; }
        loading = false; check();
      })
      .catch(function () { loading = false; });
  }
  function check() { if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 200) { more(); } }
  window.addEventListener("scroll", check);
})();
