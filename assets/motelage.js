/* Sammanträdesläge: tangentbordet styr visningen (fungerar med trådlösa presentatörer, som
   skickar PageDown/PageUp). → / PageDown: nästa bild på sidan, annars nästa sida;
   ← / PageUp: föregående bild, annars föregående sidas sista bild; F: helskärm; Esc: lämna sammanträdesläget;
   A: växla mellan avvikelsedagordningen (?fokus=avvikelser) och hela sidan. */
(function () {
  // Sidornas ordning är menyns (planens målområden och de delar planen har), utom Rapportera.
  function ordning() {
    return Array.prototype.slice.call(document.querySelectorAll("#huvudmeny a.nav-link"))
      .map(function (a) { return new URL(a.getAttribute("href"), window.location.href).pathname; })
      .filter(function (v, i, alla) { return v !== "/rapportera" && alla.indexOf(v) === i; });
  }

  function iMote() { return new URLSearchParams(window.location.search).get("visning") === "mote"; }
  // Avvikelsedagordningen: kortare sidor, och inget tryck flyttar mindre än en tredjedels skärm (utom sidans sista)
  function iDagordning() { return new URLSearchParams(window.location.search).get("fokus") === "avvikelser"; }

  var vantar = null;  // pågående väntan på att föregående sida ritats klart (för att visa dess slut)

  function ga(sokvag, sok, tillSlutet) {
    if (vantar) { vantar.stoppa(); }
    window.history.pushState({}, "", sokvag + sok);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo({ top: 0, behavior: "instant" });
    if (tillSlutet) { visaSlutet(sokvag); }
  }

  // Bakåt till föregående sida speglar framåt: den öppnar på sin sista bild. Sidan ritas av Dash
  // efter bytet, så vänta tills innehållet är på plats (inget laddar, alla diagram ritade, höjden
  // stilla) och rulla då till slutet. Ger upp efter 15 s eller om sidan byts igen.
  function visaSlutet(sokvag) {
    var senaste = -1, stilla = 0, varv = 0, andrad = false;
    var innehall = document.querySelector("#_pages_content");
    var vakt = new MutationObserver(function () { andrad = true; });
    if (innehall) { vakt.observe(innehall, { childList: true, subtree: true }); }
    function sluta() { vakt.disconnect(); clearInterval(tid); if (vantar === stopp) { vantar = null; } }
    var stopp = { stoppa: sluta };
    var tid = setInterval(function () {
      varv += 1;
      var klar = andrad && innehall && innehall.children.length > 0 &&
        !document.querySelector("[data-dash-is-loading]") &&
        Array.prototype.every.call(innehall.querySelectorAll(".js-plotly-plot"),
          function (g) { return g.querySelector(".main-svg"); });
      var hojd = document.documentElement.scrollHeight;
      stilla = (klar && hojd === senaste) ? stilla + 1 : 0;
      senaste = hojd;
      if (window.location.pathname !== sokvag || varv > 300) { sluta(); return; }
      if (stilla >= 3) {
        sluta();
        window.scrollTo({ top: hojd - window.innerHeight, behavior: "instant" });
      }
    }, 50);
    vantar = stopp;
  }

  // Stegpunkter: avsnitt och det som ska visas var för sig (indikatorkort, uppdragsgrupper, rutor …).
  var STEG = ".bild, .bild > h2, .indikatorkort, .uppdrag, .inriktningsmal, .fokusomrade, .sarskilt-uppdrag, " +
    ".forandringar-malomrade, .budgetavsnitt, .budgetavsnitt > h2, .vattenfall, .budgetsida figure, " +
    ".budgetsida .table-responsive, #nyckeltal, #atgarder > h2, .atgardslista > h3, .agendadel, .agendarad";

  function stegpunkter() {
    var y = window.scrollY;
    return Array.prototype.slice.call(document.querySelectorAll("#_pages_content " + STEG.split(", ").join(", #_pages_content ")))
      .filter(function (e) { return e.offsetParent !== null; })
      .map(function (e) { var r = e.getBoundingClientRect(); return { topp: r.top + y, botten: r.bottom + y }; })
      .sort(function (a, b) { return a.topp - b.topp; });
  }

  // Höjden som lägesraden (klistrad överst) täcker; innehåll ska hamna under den.
  function tackt() {
    var l = document.querySelector("#_pages_content .lagesrad");
    return (l ? l.getBoundingClientRect().height : 0) + 12;
  }

  function nastaBild(riktning) {
    // Nästa/föregående läge på sidan: högst en skärm bort (inget hoppas över), helst vid början
    // av det första som inte syns helt. null = sidans slut/början (då byts sida).
    var y = window.scrollY, h = window.innerHeight, t = tackt();
    var max = document.documentElement.scrollHeight - h;
    var steg = Math.max(100, Math.floor((h - t) * 0.9));
    var punkter = stegpunkter();
    // inga småsteg: en stegpunkt strax under överkanten hoppas förbi (dagordningen: en tredjedels skärm)
    var minst = iDagordning() ? Math.ceil(h / 3) : Math.floor(h * 0.15);
    if (riktning > 0) {
      if (y >= max - 2) { return null; }
      var mal = y + steg;
      for (var i = 0; i < punkter.length; i++) {
        var p = punkter[i];
        if (p.topp - t > y + minst && p.botten > y + h + 1) { mal = Math.min(mal, p.topp - t); break; }
      }
      return Math.min(mal, max);
    }
    if (y <= 2) { return null; }
    var mal2 = y - steg;
    for (var j = 0; j < punkter.length; j++) {
      var q = punkter[j].topp - t;
      if (q >= y - steg && q < y - minst) { mal2 = q; break; }
    }
    return Math.max(0, mal2);
  }

  function sida(riktning) {
    var nu = window.location.pathname;
    var lista = ordning();
    var i = lista.indexOf(nu);
    if (i < 0) { i = 0; }
    var ny = i + riktning;
    if (ny < 0 || ny >= lista.length) { return; }
    ga(lista[ny], window.location.search, riktning < 0);
  }

  document.addEventListener("keydown", function (e) {
    var mal = e.target;
    if (mal && (mal.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(mal.tagName))) { return; }
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (!iMote()) { return; }
    if (vantar) { vantar.stoppa(); }  // en ny tangent vinner över väntan
    if (e.key === "ArrowRight" || e.key === "PageDown") {
      e.preventDefault();
      var y = nastaBild(1);
      if (y === null) { sida(1); } else { window.scrollTo({ top: y, behavior: "instant" }); }
    } else if (e.key === "ArrowLeft" || e.key === "PageUp") {
      e.preventDefault();
      var y2 = nastaBild(-1);
      if (y2 === null) { sida(-1); } else { window.scrollTo({ top: y2, behavior: "instant" }); }
    } else if (e.key === "f" || e.key === "F") {
      e.preventDefault();
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen().catch(function () {}); }
    } else if (e.key === "a" || e.key === "A") {
      e.preventDefault();
      var pa = new URLSearchParams(window.location.search);
      if (pa.get("fokus") === "avvikelser") { pa.delete("fokus"); } else { pa.set("fokus", "avvikelser"); }
      ga(window.location.pathname, "?" + pa.toString());
    } else if (e.key === "Escape") {
      var p = new URLSearchParams(window.location.search);
      p.delete("visning");
      p.delete("fokus");
      var s = p.toString();
      ga(window.location.pathname, s ? "?" + s : "");
    }
  });
})();
