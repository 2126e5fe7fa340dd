// digest's site search: a JSON index per language and ISO week, matched in the browser.
// Substring matching after NFKC and lowercasing, every word required: Korean needs no word
// splitter that way ("모델" finds "언어모델에서"), nor does Chinese or Japanese. Weeks are
// fetched newest first, and only while a search has fewer results than it shows.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var input = document.getElementById("q");
  var status = box.querySelector(".status");
  var list = box.querySelector(".results");
  var shards = box.dataset.shards.split(" ").filter(Boolean);
  var LIMIT = 50;
  var items = [];
  var loading = null;

  function norm(text) { return text.normalize("NFKC").toLowerCase(); }
  function say(pattern, count) { return pattern.replace("{count}", String(count)); }

  function add(data) {
    data.posts.forEach(function (p) {  // [title, href, date, words, papers]
      items.push({ title: p[0], href: p[1], date: p[2], from: "", text: p[3],
                   key: norm(p[0]), hay: norm(p[0] + " " + p[3]) });
      p[4].forEach(function (q) {  // [title, anchor, text]
        items.push({ title: q[0], href: p[1] + "#" + q[1], date: p[2], from: p[0],
                     text: q[2], key: norm(q[0]), hay: norm(q[0] + " " + q[2]) });
      });
    });
  }

  function more() {  // the next week's index, once
    if (!loading) {
      loading = fetch(shards.shift()).then(function (response) {
        if (!response.ok) throw new Error(response.url + ": HTTP " + response.status);
        return response.json();
      }).then(function (data) { add(data); loading = null; });
    }
    return loading;
  }

  function find(words) {
    // Papers named in their title first, then papers, then digests; each in the index's
    // order (newest post, best rank first).
    function rank(it) {
      if (!it.from) return 2;
      return words.every(function (w) { return it.key.indexOf(w) >= 0; }) ? 0 : 1;
    }
    var hits = items.filter(function (it) {
      return words.every(function (w) { return it.hay.indexOf(w) >= 0; });
    });
    return [0, 1, 2].flatMap(function (r) {
      return hits.filter(function (it) { return rank(it) === r; });
    });
  }

  function item(found) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = found.href;
    a.textContent = found.title;
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = found.date + (found.from ? " · " + found.from : "");
    var text = document.createElement("p");
    text.textContent = found.text;
    li.append(a, " ", meta, text);
    return li;
  }

  function show() {
    var query = input.value;
    var words = norm(query).split(/\s+/).filter(Boolean);
    if (!words.length) { list.replaceChildren(); status.textContent = ""; return; }
    var hits = find(words);
    if (hits.length < LIMIT && shards.length) {
      // Not enough yet: fetch an older week, then search again (unless the query changed).
      more().then(function () { if (input.value === query) show(); }, fail);
      if (!hits.length) return;
    }
    list.replaceChildren();
    var all = !shards.length;
    status.textContent = !hits.length ? box.dataset.none
      : hits.length > LIMIT || !all ? say(box.dataset.more, Math.min(hits.length, LIMIT))
      : say(box.dataset.results, hits.length);
    hits.slice(0, LIMIT).forEach(function (it) { list.append(item(it)); });
  }

  function fail(error) { status.textContent = String(error); }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = new URL(location.href);
      if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
      show();
    }, 120);
  });
  input.value = new URL(location.href).searchParams.get("q") || "";
  if (shards.length) more().then(show, fail); else show();
})();
