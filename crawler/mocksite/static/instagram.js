// Fixture Instagram web app: web_profile_info (first 12 posts), then profile-posts GraphQL pages on scroll.
(function () {
  "use strict";
  var root = document.getElementById("ig-root"), userId = null, cursor = null, loading = false, done = false;
  var headers = {"X-IG-App-ID": root.dataset.appId, "X-Requested-With": "XMLHttpRequest"};
  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : s; return d.innerHTML; }
  function render(n) {
    var a = document.createElement("div");
    a.className = "_aabd"; a.style.height = "300px"; a.setAttribute("data-shortcode", n.shortcode);
    a.innerHTML = '<a href="/p/' + esc(n.shortcode) + '/"><img src="' + esc(n.display_url) + '" alt="' +
      esc(n.accessibility_caption || "") + '"></a>';
    document.getElementById("grid").appendChild(a);
  }
  function page(media) {
    (media.edges || []).forEach(function (e) { render(e.node); });
    if (media.page_info && media.page_info.has_next_page && (media.edges || []).length) { cursor = media.page_info.end_cursor; }
    else { done = true; }
  }
  function failed(r) {
    if (r.status === 429) { document.body.insertAdjacentHTML("beforeend", "<p>Please wait a few minutes before you try again.</p>"); }
    done = true; loading = false; return null;
  }
  function more() {
    if (loading || done || !userId) { return; }
    loading = true;
    var v = {id: userId, first: 12, after: cursor};
    fetch("/graphql/query/?query_hash=" + root.dataset.queryHash + "&variables=" + encodeURIComponent(JSON.stringify(v)),
          {credentials: "include", headers: headers})
      .then(function (r) { return r.ok ? r.json() : failed(r); })
      .then(function (d) { if (d && d.data && d.data.user) { page(d.data.user.edge_owner_to_timeline_media); } loading = false; check(); })
      .catch(function () { loading = false; });
  }
  function check() { if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 200) { more(); } }
  loading = true;
  fetch("/api/v1/users/web_profile_info/?username=" + encodeURIComponent(root.dataset.username), {credentials: "include", headers: headers})
    .then(function (r) { return r.ok ? r.json() : failed(r); })
    .then(function (d) {
      if (d && d.data && d.data.user) { userId = d.data.user.id; page(d.data.user.edge_owner_to_timeline_media); }
      loading = false; check();
    })
    .catch(function () { loading = false; });
  window.addEventListener("scroll", check);
})();
