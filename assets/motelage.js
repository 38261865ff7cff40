/* Sammanträdesläge: tangentbordet styr visningen (fungerar med trådlösa presentatörer, som
   skickar PageDown/PageUp). → / PageDown: nästa bild på sidan, annars nästa sida;
   ← / PageUp: föregående; F: helskärm; Esc: lämna sammanträdesläget. */
(function () {
  // Sidornas ordning är menyns (planens målområden och de delar planen har), utom Rapportera.
  function ordning() {
    return Array.prototype.slice.call(document.querySelectorAll("#huvudmeny a.nav-link"))
      .map(function (a) { return new URL(a.getAttribute("href"), window.location.href).pathname; })
      .filter(function (v, i, alla) { return v !== "/rapportera" && alla.indexOf(v) === i; });
  }

  function iMote() { return new URLSearchParams(window.location.search).get("visning") === "mote"; }

  function ga(sokvag, sok) {
    window.history.pushState({}, "", sokvag + sok);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  }

  function bilder() {
    return Array.prototype.slice.call(document.querySelectorAll("#_pages_content .bild"));
  }

  function nastaBild(riktning) {
    // Nästa/föregående "bild" (avsnitt) på sidan relativt det som syns överst.
    var topp = window.scrollY + 80;
    var lista = bilder();
    var lägen = lista.map(function (b) { return b.getBoundingClientRect().top + window.scrollY; });
    if (riktning > 0) {
      for (var i = 0; i < lista.length; i++) { if (lägen[i] > topp + 5) { return lägen[i]; } }
      if (window.innerHeight + window.scrollY < document.documentElement.scrollHeight - 5) {
        return Math.min(window.scrollY + window.innerHeight * 0.9, document.documentElement.scrollHeight);
      }
    } else {
      for (var j = lista.length - 1; j >= 0; j--) { if (lägen[j] < topp - 85) { return lägen[j]; } }
      if (window.scrollY > 0) { return 0; }
    }
    return null;
  }

  function sida(riktning) {
    var nu = window.location.pathname;
    var lista = ordning();
    var i = lista.indexOf(nu);
    if (i < 0) { i = 0; }
    var ny = i + riktning;
    if (ny < 0 || ny >= lista.length) { return; }
    ga(lista[ny], window.location.search);
  }

  document.addEventListener("keydown", function (e) {
    var mal = e.target;
    if (mal && (mal.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(mal.tagName))) { return; }
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (!iMote()) { return; }
    if (e.key === "ArrowRight" || e.key === "PageDown") {
      e.preventDefault();
      var y = nastaBild(1);
      if (y === null) { sida(1); } else { window.scrollTo(0, Math.max(0, y - 70)); }
    } else if (e.key === "ArrowLeft" || e.key === "PageUp") {
      e.preventDefault();
      var y2 = nastaBild(-1);
      if (y2 === null) { sida(-1); } else { window.scrollTo(0, Math.max(0, y2 - 70)); }
    } else if (e.key === "f" || e.key === "F") {
      e.preventDefault();
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen().catch(function () {}); }
    } else if (e.key === "Escape") {
      var p = new URLSearchParams(window.location.search);
      p.delete("visning");
      var s = p.toString();
      ga(window.location.pathname, s ? "?" + s : "");
    }
  });
})();
