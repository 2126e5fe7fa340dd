// digest's site search: one JSON index per language, fetched once, matched in the browser.
// Substring matching after NFKC and lowercasing, every word required: Korean needs no word
// splitter that way ("확산" finds "확산모델을"), nor does Chinese or Japanese.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var input = document.getElementById("q");
  var status = box.querySelector(".status");
  var list = box.querySelector(".results");
  var LIMIT = 50;
  var items = null;

  function norm(text) { return text.normalize("NFKC").toLowerCase(); }
  function say(pattern, count) { return pattern.replace("{count}", String(count)); }

  function load() {
    return fetch(box.dataset.index).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (data) {
      items = [];
      data.posts.forEach(function (p) {  // [title, href, date, words, papers]
        items.push({ title: p[0], href: p[1], date: p[2], from: "", text: p[3],
                     key: norm(p[0]), hay: norm(p[0] + " " + p[3]) });
        p[4].forEach(function (q) {  // [title, anchor, text]
          items.push({ title: q[0], href: p[1] + "#" + q[1], date: p[2], from: p[0],
                       text: q[2], key: norm(q[0]), hay: norm(q[0] + " " + q[2]) });
        });
      });
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
    var words = norm(input.value).split(/\s+/).filter(Boolean);
    list.replaceChildren();
    if (!words.length) { status.textContent = ""; return; }
    var hits = items.filter(function (it) {
      return words.every(function (w) { return it.hay.indexOf(w) >= 0; });
    });
    // Papers named in their title first, then papers, then digests; each in the index's
    // order (newest post, best rank first).
    function rank(it) {
      if (!it.from) return 2;
      return words.every(function (w) { return it.key.indexOf(w) >= 0; }) ? 0 : 1;
    }
    hits = [0, 1, 2].flatMap(function (r) { return hits.filter(function (it) { return rank(it) === r; }); });
    status.textContent = hits.length ? say(box.dataset.results, hits.length) +
      (hits.length > LIMIT ? " (" + say(box.dataset.more, LIMIT) + ")" : "") : box.dataset.none;
    hits.slice(0, LIMIT).forEach(function (it) { list.append(item(it)); });
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = new URL(location.href);
      if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
      if (items) show();
    }, 120);
  });
  input.value = new URL(location.href).searchParams.get("q") || "";
  load().then(show, function (error) { status.textContent = String(error); });
})();
