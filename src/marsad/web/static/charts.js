/* marsad charts: bars, lines and a schematic tile map of the 12 regions, drawn as SVG.
   No dependency; every chart has a text alternative (role="img" + aria-label + <title>). */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#0b4f8a", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490",
                 "#a16207", "#4d7c0f", "#be185d", "#334155"];
  var BLUES = ["#dbe9f6", "#a9cce3", "#6baed6", "#2f7fc1", "#0b4f8a"];

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgRoot(width, height, label) {
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, width: "100%",
                          role: "img", "aria-label": label, direction: "ltr" });
    svg.style.maxWidth = width + "px";
    svg.appendChild(el("title", {}, label));
    return svg;
  }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * power >= value) return steps[i] * power;
    return 10 * power;
  }

  function shorten(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  /* bars: items = [{label, value (number|null), flag}] */
  function bars(container, items, opts) {
    container.textContent = "";
    var rowH = 22, left = 230, right = 90, width = 760;
    var height = items.length * rowH + 30;
    var svg = svgRoot(width, height, opts.label);
    var max = niceMax(Math.max.apply(null, items.map(function (d) { return d.value || 0; })));
    var scale = (width - left - right) / max;
    items.forEach(function (d, i) {
      var y = 10 + i * rowH;
      svg.appendChild(el("text", { x: left - 6, y: y + 14, "text-anchor": "end" },
                         shorten(d.label, 34)));
      if (d.value === null || d.value === undefined) {
        svg.appendChild(el("text", { x: left + 4, y: y + 14, "class": "flag" }, d.flag || "–"));
        return;
      }
      var w = Math.max(1, d.value * scale);
      var bar = el("rect", { x: left, y: y + 3, width: w, height: rowH - 7, fill: PALETTE[0] });
      bar.appendChild(el("title", {}, d.label + " : " + opts.format(d.value)));
      svg.appendChild(bar);
      svg.appendChild(el("text", { x: left + w + 4, y: y + 14 }, opts.format(d.value)));
    });
    svg.appendChild(el("line", { x1: left, x2: left, y1: 8, y2: height - 18, stroke: "#555" }));
    container.appendChild(svg);
  }

  /* lines: xs = years, series = [{label, values: [number|null]}] */
  function lines(container, xs, series, opts) {
    container.textContent = "";
    var width = 760, height = 320, left = 70, right = 20, top = 15, bottom = 40;
    var legendH = 18 * series.length;
    var svg = svgRoot(width, height + legendH, opts.label);
    var all = [];
    series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) all.push(v); }); });
    var max = niceMax(Math.max.apply(null, all.concat([0])));
    var x = function (i) {
      return xs.length < 2 ? left + (width - left - right) / 2
                           : left + i * (width - left - right) / (xs.length - 1);
    };
    var y = function (v) { return top + (height - top - bottom) * (1 - v / max); };
    for (var k = 0; k <= 4; k++) {
      var v = max * k / 4;
      svg.appendChild(el("line", { x1: left, x2: width - right, y1: y(v), y2: y(v),
                                   stroke: "#ddd" }));
      svg.appendChild(el("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" }, opts.format(v)));
    }
    xs.forEach(function (label, i) {
      svg.appendChild(el("text", { x: x(i), y: height - bottom + 18, "text-anchor": "middle" }, label));
    });
    series.forEach(function (s, n) {
      var colour = PALETTE[n % PALETTE.length], d = "", pen = false;
      s.values.forEach(function (v, i) {
        if (v === null) { pen = false; return; }
        d += (pen ? " L" : " M") + x(i).toFixed(1) + " " + y(v).toFixed(1);
        pen = true;
        var dot = el("circle", { cx: x(i), cy: y(v), r: 3.5, fill: colour });
        dot.appendChild(el("title", {}, s.label + ", " + xs[i] + " : " + opts.format(v)));
        svg.appendChild(dot);
      });
      if (d) svg.appendChild(el("path", { d: d, fill: "none", stroke: colour, "stroke-width": 2 }));
      var ly = height + 14 + n * 18;
      svg.appendChild(el("rect", { x: left, y: ly - 10, width: 12, height: 12, fill: colour }));
      svg.appendChild(el("text", { x: left + 18, y: ly }, shorten(s.label, 80)));
    });
    container.appendChild(svg);
  }

  /* the 12 regions on a grid, north at the top and the Atlantic on the left */
  var TILES = { "01": [3, 0], "04": [2, 1], "03": [3, 1], "02": [4, 1], "06": [1, 2],
                "05": [2, 2], "07": [1, 3], "08": [2, 3], "09": [1, 4], "10": [0, 5],
                "11": [0, 6], "12": [0, 7] };

  /* tileMap: regions = {code: {label, value, flag}} */
  function tileMap(container, regions, opts) {
    container.textContent = "";
    var size = 92, gap = 4, legendW = 190;
    var width = 5 * (size + gap) + legendW, height = 8 * (size + gap);
    var svg = svgRoot(width, height, opts.label);
    var values = Object.keys(regions).map(function (c) { return regions[c].value; })
      .filter(function (v) { return v !== null && v !== undefined; }).sort(function (a, b) { return a - b; });
    var breaks = [];
    for (var q = 1; q < BLUES.length; q++) {
      breaks.push(values.length ? values[Math.floor(q * values.length / BLUES.length)] : 0);
    }
    function colour(v) {
      var k = 0;
      while (k < breaks.length && v >= breaks[k]) k++;
      return BLUES[Math.min(k, BLUES.length - 1)];
    }
    Object.keys(TILES).forEach(function (code) {
      var pos = TILES[code], r = regions[code] || { label: code, value: null, flag: "" };
      var gx = pos[0] * (size + gap), gy = pos[1] * (size + gap);
      var has = r.value !== null && r.value !== undefined;
      var fill = has ? colour(r.value) : "#e5e5e5";
      var group = el("g", { "class": "tile", "data-region": code, tabindex: "0", role: "img",
                            "aria-label": r.label + " : " + (has ? opts.format(r.value) : (r.flag || "–")) });
      group.appendChild(el("title", {}, r.label + " : " + (has ? opts.format(r.value) : (r.flag || "–"))));
      group.appendChild(el("rect", { x: gx, y: gy, width: size, height: size, rx: 6, fill: fill,
                                     stroke: "#555" }));
      var dark = has && BLUES.indexOf(fill) >= 3;
      var ink = dark ? "#ffffff" : "#1a1a1a";
      var inkClass = dark ? "ink-light" : "ink-dark";  // a class, not a style attribute (CSP)
      group.appendChild(el("text", { x: gx + 6, y: gy + 18, fill: ink, "class": inkClass }, code));
      group.appendChild(el("text", { x: gx + 6, y: gy + 36, fill: ink, "class": inkClass,
                                     "font-size": "10" }, shorten(r.label, 15)));
      group.appendChild(el("text", { x: gx + 6, y: gy + size - 10, fill: ink, "class": inkClass,
                                     "font-weight": "600" },
                           has ? opts.format(r.value) : (r.flag || "–")));
      svg.appendChild(group);
    });
    var lx = 5 * (size + gap) + 10;
    var legend = el("g", { "class": "legend" });
    BLUES.forEach(function (c, i) {
      var lo = i === 0 ? (values[0] || 0) : breaks[i - 1];
      legend.appendChild(el("rect", { x: lx, y: 10 + i * 22, width: 18, height: 18, fill: c }));
      legend.appendChild(el("text", { x: lx + 24, y: 24 + i * 22 }, "≥ " + opts.format(lo)));
    });
    legend.appendChild(el("rect", { x: lx, y: 10 + BLUES.length * 22, width: 18, height: 18,
                                    fill: "#e5e5e5" }));
    legend.appendChild(el("text", { x: lx + 24, y: 24 + BLUES.length * 22 }, "C / N"));
    svg.appendChild(legend);
    container.appendChild(svg);
  }

  window.MarsadCharts = { bars: bars, lines: lines, tileMap: tileMap };
})();
