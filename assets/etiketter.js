/* Etiketter som Dash-komponenterna inte kan sätta själva: dcc.Upload ritar ett <input type="file">
   utan id och utan aria-label (det går att nå med tangentbordet). Det får namnet ur uppladdningens
   data-etikett (sidor/rapportera.py), eller "Välj en fil att ladda upp". */
(function () {
  function satt() {
    var falt = document.querySelectorAll(".uppladdning input[type=file]:not([aria-label])");
    for (var i = 0; i < falt.length; i++) {
      var ruta = falt[i].closest("[data-etikett]");
      falt[i].setAttribute("aria-label", ruta ? ruta.getAttribute("data-etikett") : "Välj en fil att ladda upp");
    }
  }
  new MutationObserver(satt).observe(document.documentElement, { childList: true, subtree: true });
  satt();
})();
