// Click (or Enter/Space on) a word to play the take from that word.
(function () {
  var player = document.getElementById("player");
  if (player) {
    document.addEventListener("click", function (e) {
      var w = e.target.closest("button.w, .filler-mark.heard");
      if (!w) { return; }
      player.currentTime = parseFloat(w.getAttribute("data-t"));
      var p = player.play();
      if (p && p.catch) { p.catch(function () {}); }
    });
  }
  document.documentElement.setAttribute("data-script", "ran");
})();
