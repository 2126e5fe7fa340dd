// MathJax 3 settings for digest's site; loaded before MathJax itself (both deferred).
// Posts write TeX as $…$ and $$…$$ (kramdown, API text) or \(…\) and \[…\]: read them all.
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
  },
  // TeX from the data could ask for \href{javascript:…}: the safe extension filters it.
  loader: { load: ["ui/safe"] },
  options: { ignoreHtmlClass: "no-math" },
};
