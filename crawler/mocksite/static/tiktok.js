// Fixture TikTok web app: the profile fetches /api/post/item_list/ (itemList, cursor, hasMore) and renders it; scroll loads more.
(function () {
  "use strict";
  var root = document.getElementById("app"), cursor = "0", loading = false, done = false;
  function esc(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }
  function render(item) {
    var div = document.createElement("div");
    div.setAttribute("data-e2e", "user-post-item"); div.setAttribute("data-video-id", item.id);
    div.innerHTML = '<a href="/@' + esc(item.author.uniqueId) + '/video/' + esc(item.id) + '">' +
      '<img src="/pantau-mock-static/avatar.png" alt="' + esc(item.desc) + '"></a>' +
      '<div data-e2e="user-post-item-desc">' + esc(item.desc) + '</div>';
    document.getElementById("posts").appendChild(div);
  }
  function load() {
    if (loading || done) { return; }
    loading = true;
    fetch("/api/post/item_list/?aid=1988&count=10&cursor=" + encodeURIComponent(cursor) + "&secUid=" +
          encodeURIComponent(root.dataset.secUid), {credentials: "include"})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        (d.itemList || []).forEach(render);
        if (d.hasMore && (d.itemList || []).length) { cursor = d.cursor; } else { done = true; }
        if (d.statusCode === 0 && !(d.itemList || []).length && root.dataset.loginWall) {
          document.body.insertAdjacentHTML("beforeend", '<div id="login-modal"><h2>Log in to TikTok</h2></div>');
        }
        loading = false; check();
      })
      .catch(function () { loading = false; });
  }
  function check() { if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 200) { load(); } }
  window.addEventListener("scroll", check);
  load();
})();
