// The tracking page's interactive map, on pages whose brand runs a tile server (served by Waybill
// as /hub-assets/live-map-{digest}.js, after Leaflet, both deferred). Leaflet draws the brand's
// tiles with the parcels' paths and scans on top, fitted to them; the data sits on the map's
// <figure> as JSON (data-live-map, written by src/hub/map.ts). The page's SVG map is what shows
// without JavaScript, and it comes back if Leaflet or its stylesheet is missing, if anything here
// fails, or if the tile server answers no tile at all.
// Leaflet: (c) 2010-2023 Volodymyr Agafonkin, (c) 2010-2011 CloudMade, BSD-2-Clause; its LICENSE is
// served beside it.
(function () {
  'use strict';
  var figure = document.querySelector('figure[data-live-map]');
  var picture = figure && figure.querySelector('svg.map');
  var preload = document.querySelector('link[rel="preload"][as="style"]');
  var L = window.L;
  if (!picture || !preload || !L) return;
  var data;
  try {
    data = JSON.parse(figure.getAttribute('data-live-map'));
  } catch (e) {
    return;
  }

  // Leaflet's stylesheet was only preloaded (so it never held up the page); now it is needed.
  var sheet = document.createElement('link');
  sheet.rel = 'stylesheet';
  sheet.href = preload.href;
  sheet.onload = build;
  document.head.appendChild(sheet);

  /** Text as HTML (Leaflet writes the attribution as HTML; the brand's is text). */
  function html(text) {
    var div = document.createElement('div');
    div.textContent = text;
    return div.innerHTML;
  }

  function build() {
    var box = document.createElement('div');
    var map = null;
    box.className = 'map';
    box.setAttribute('role', 'region');
    var title = picture.querySelector('title');
    box.setAttribute('aria-label', (title ? title.textContent + '. ' : '') + data.keys);

    function backToPicture() {
      if (map) map.remove();
      map = null;
      if (box.parentNode) box.parentNode.removeChild(box);
      picture.style.display = '';
    }

    // Swapped in one go, in a box of the picture's size (class "map": full width, 2:1), so nothing moves.
    picture.parentNode.insertBefore(box, picture);
    picture.style.display = 'none';
    try {
      // On a phone one finger scrolls the page (a full-width map must not trap it); two fingers zoom.
      map = L.map(box, { keyboard: true, scrollWheelZoom: false, zoomControl: false, dragging: !L.Browser.mobile });
      L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
      map.fitBounds(data.bounds, { padding: [28, 28], maxZoom: 10 });

      var tiles = L.tileLayer(data.tileUrl, { attribution: html(data.attribution), maxZoom: 18 });
      var anyTile = false;
      tiles.on('tileload', function () {
        anyTile = true;
      });
      tiles.on('tileerror', function () {
        if (!anyTile) setTimeout(backToPicture, 0);
      });
      tiles.addTo(map);

      var accent = getComputedStyle(document.documentElement).getPropertyValue('--a').trim() || '#0b57d0';
      data.routes.forEach(function (route) {
        var last = route.points[route.points.length - 1];
        if (route.goal) L.polyline([last, route.goal], { color: '#6b6b6b', weight: 3, dashArray: '8 8', interactive: false }).addTo(map);
        L.polyline(route.points, { color: accent, weight: 4, dashArray: route.returning ? '2 6' : null, interactive: false }).addTo(map);
        route.points.forEach(function (point, i) {
          var here = i === route.points.length - 1;
          L.circleMarker(point, { radius: here ? 9 : 6, color: accent, weight: 3, fillColor: here ? accent : '#fff', fillOpacity: 1, interactive: false }).addTo(map);
        });
      });
      data.labels.forEach(function (label) {
        var text = document.createElement('span');
        text.textContent = label.text;
        if (label.here) text.style.fontWeight = '700';
        L.tooltip({ permanent: true, direction: 'top', offset: [0, -10] }).setLatLng(label.at).setContent(text).addTo(map);
      });
    } catch (e) {
      backToPicture();
    }
  }
})();
