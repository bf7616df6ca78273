// Fixture X web app: fetches UserTweets / TweetDetail GraphQL JSON like x.com's app and renders it; infinite scroll.
(function () {
  "use strict";
  var root = document.getElementById("react-root");
  var mode = root.dataset.mode, cursor = null, loading = false, done = false;
  function esc(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }
  function tweetOf(r) { if (r && r.__typename === "TweetWithVisibilityResults") { r = r.tweet; } return r && r.legacy ? r : null; }
  function render(result) {
    var t = tweetOf(result); if (!t) { return; }
    var u = t.core.user_results.result.core, l = t.legacy, shown = l.retweeted_status_result ? tweetOf(l.retweeted_status_result.result) : t;
    var a = document.createElement("article");
    a.setAttribute("data-testid", "tweet"); a.setAttribute("data-tweet-id", t.rest_id);
    a.innerHTML = '<div data-testid="User-Name">' + esc(u.name) + ' <a href="/' + esc(u.screen_name) + '">@' + esc(u.screen_name) + '</a></div>' +
      '<a href="/' + esc(u.screen_name) + '/status/' + esc(t.rest_id) + '"><time datetime="' + esc(l.created_at) + '">' + esc(l.created_at) + '</time></a>' +
      '<div data-testid="tweetText" lang="' + esc(l.lang || "") + '">' + esc(shown.legacy.full_text) + '</div>' +
      '<img src="/pantau-mock-static/avatar.png" alt="">';
    document.getElementById("timeline").appendChild(a);
  }
  function handle(data) {
    if (data.errors && (!data.data || !data.data.threaded_conversation_with_injections_v2)) {
      document.getElementById("timeline").innerHTML = '<div data-testid="error-detail"><span>Hmm...this page doesn\u2019t exist. Try searching for something else.</span></div>';
      done = true; return;
    }
    var ins = mode === "detail" ? data.data.threaded_conversation_with_injections_v2.instructions : data.data.user.result.timeline.timeline.instructions;
    var added = 0; cursor = null;
    ins.forEach(function (i) {
      (i.entries || (i.entry ? [i.entry] : [])).forEach(function (e) {
        var c = e.content;
        if (c.cursorType === "Bottom") { cursor = c.value; return; }
        if (c.itemContent && c.itemContent.tweet_results) { render(c.itemContent.tweet_results.result); added++; }
        (c.items || []).forEach(function (it) { render(it.item.itemContent.tweet_results.result); added++; });
      });
    });
    if (!added || !cursor || mode === "detail") { done = true; }
  }
  function load() {
    if (loading || done) { return; }
    loading = true;
    var v = mode === "detail" ? {focalTweetId: root.dataset.tweetId, with_rux_injections: false}
                              : {userId: root.dataset.userId, count: 10, includePromotedContent: true};
    if (cursor) { v.cursor = cursor; }
    var op = mode === "detail" ? "TweetDetail" : "UserTweets";
    fetch("/i/api/graphql/" + (mode === "detail" ? "nBS-WpgA6ZG0CyNHD517JQ" : "V7H0Ap3_Hh2FyS75OCDO3Q") + "/" + op +
          "?variables=" + encodeURIComponent(JSON.stringify(v)), {credentials: "include"})
      .then(function (r) {
        if (r.status === 429) { document.body.insertAdjacentHTML("beforeend", "<div>Rate limit exceeded</div>"); done = true; return null; }
        return r.json();
      })
      .then(function (d) { if (d) { handle(d); } loading = false; check(); })
      .catch(function () { loading = false; });
  }
  function check() { if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 200) { load(); } }
  window.addEventListener("scroll", check);
  load();
})();
