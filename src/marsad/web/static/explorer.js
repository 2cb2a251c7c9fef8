/* marsad data explorer: pick a release and a table, filter its dimensions, read the cells as
   a table, a chart and a map, download the selection, copy the API address of the view.
   It reads only the public API. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("marsad-config").textContent);
  var ui = cfg.ui, lang = cfg.lang;
  var initial = new URLSearchParams(window.location.search);
  var MAX_CELLS = 50000, PAGE = 10000, MAX_ROWS = 2000;
  var state = { release: null, table: null, meta: null, dims: [], labels: {}, order: {},
                selected: {}, cells: [], truncated: false, chart: "bars", first: true };
  var number = new Intl.NumberFormat(lang === "ar" ? "ar-MA" : lang === "en" ? "en-GB" : "fr-FR",
                                     { maximumFractionDigits: 2 });
  function $(id) { return document.getElementById(id); }
  function fmt(v) { return number.format(v); }
  function status(text) { $("status").textContent = text || ""; }
  function dimName(dim) { return (ui.dims && ui.dims[dim]) || dim; }
  function label(dim, code) { return (state.labels[dim] && state.labels[dim][code]) || code; }

  function api(path) {
    return fetch(path, { headers: { Accept: "application/json" } }).then(function (r) {
      if (r.ok) return r.json();
      return r.json().then(function (body) {
        throw new Error(body && body.error ? body.error.message : String(r.status));
      });
    });
  }

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value; o.textContent = text;
    return o;
  }

  /* the total first, the unknown last, then codes in their hierarchical (string) order */
  function codeOrder(a, b) {
    var ka = a === "_T" ? 0 : a === "_U" ? 2 : 1, kb = b === "_T" ? 0 : b === "_U" ? 2 : 1;
    if (ka !== kb) return ka - kb;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function base() { return "/api/releases/" + state.release + "/tables/" + state.table; }

  /* the filter as query parameters; a dimension with every code selected is not filtered */
  function filterQuery() {
    var q = new URLSearchParams();
    state.dims.forEach(function (dim) {
      var chosen = state.selected[dim] || [];
      if (chosen.length && chosen.length < state.order[dim].length) q.set(dim, chosen.join(","));
    });
    return q;
  }

  function syncAddress() {
    var q = filterQuery();
    q.set("lang", lang); q.set("release", state.release); q.set("table", state.table);
    window.history.replaceState(null, "", "/explorer?" + q.toString());
    document.querySelectorAll("a[data-lang]").forEach(function (a) {
      q.set("lang", a.getAttribute("data-lang"));
      a.setAttribute("href", "/explorer?" + q.toString());
    });
  }

  function init() {
    $("release").addEventListener("change", function () { state.release = this.value; loadRelease(); });
    $("table").addEventListener("change", function () { state.table = this.value; loadTable(); });
    document.querySelectorAll("input[name=chart]").forEach(function (input) {
      input.addEventListener("change", function () { state.chart = this.value; renderChart(); });
    });
    $("copy-api").addEventListener("click", copyApi);
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); });
    status(ui.loading);
    api("/api/releases").then(function (list) {
      if (!list.length) { status(ui.no_release); return; }
      list.forEach(function (r) {
        $("release").appendChild(option(r.id, (r.title && r.title[lang]) || r.id));
      });
      var wanted = initial.get("release");
      state.release = list.some(function (r) { return r.id === wanted; }) ? wanted : list[0].id;
      $("release").value = state.release;
      loadRelease();
    }).catch(fail);
  }

  function fail(error) { status(ui.error + " : " + error.message); }

  function loadRelease() {
    status(ui.loading);
    api("/api/releases/" + state.release + "/tables").then(function (tables) {
      var select = $("table");
      select.textContent = "";
      tables.forEach(function (t) {
        var dims = t.dimensions.filter(function (d) { return d !== "TIME_PERIOD"; }).map(dimName);
        select.appendChild(option(t.id, t.title[lang] + " — " + dims.join(" × ")));
      });
      var wanted = state.first ? initial.get("table") : state.table;
      var ids = tables.map(function (t) { return t.id; });
      state.table = ids.indexOf(wanted) >= 0 ? wanted : ids[0];
      select.value = state.table;
      loadTable();
    }).catch(fail);
  }

  function loadTable() {
    status(ui.loading);
    api(base()).then(function (meta) {
      state.meta = meta;
      state.dims = meta.dimensions.map(function (d) { return d.id; });
      var lists = meta.dimensions.filter(function (d) { return d.codelist; });
      return Promise.all(lists.map(function (d) {
        return api("/api/releases/" + state.release + "/codelists/" + d.codelist);
      })).then(function (docs) {
        state.labels = {}; state.order = {};
        lists.forEach(function (d, i) {
          var names = {};
          docs[i].codes.forEach(function (c) { names[c.id] = c.names[lang]; });
          state.labels[d.id] = names;
          state.order[d.id] = meta.codes[d.id].slice().sort(codeOrder);
        });
        state.dims.forEach(function (dim) {
          if (!state.order[dim]) state.order[dim] = meta.codes[dim].slice().sort(codeOrder);
        });
        defaultSelection();
        buildFilters();
        describeTable();
        update();
      });
    }).catch(fail);
  }

  function defaultSelection() {
    var firstFree = state.dims.filter(function (d) { return d !== "TIME_PERIOD"; })[0];
    state.selected = {};
    state.dims.forEach(function (dim) {
      var codes = state.order[dim];
      var asked = state.first && initial.get(dim);
      if (asked) {
        var wanted = asked.split(",").filter(function (c) { return codes.indexOf(c) >= 0; });
        if (wanted.length) { state.selected[dim] = wanted; return; }
      }
      if (dim === "TIME_PERIOD" || dim === firstFree || codes.indexOf("_T") < 0) {
        state.selected[dim] = codes.slice();
      } else {
        state.selected[dim] = ["_T"];
      }
    });
    state.first = false;
  }

  function buildFilters() {
    var form = $("filters");
    form.textContent = "";
    state.dims.forEach(function (dim) {
      var box = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = dimName(dim);
      box.appendChild(legend);
      var lab = document.createElement("label");
      lab.setAttribute("for", "f-" + dim);
      lab.className = "help";
      lab.textContent = dimName(dim) + " (" + state.order[dim].length + ")";
      var select = document.createElement("select");
      select.id = "f-" + dim; select.multiple = true; select.name = dim;
      select.size = Math.min(8, state.order[dim].length);
      state.order[dim].forEach(function (code) {
        var text = dim === "TIME_PERIOD" ? code : code + " · " + label(dim, code);
        var o = option(code, text);
        o.selected = state.selected[dim].indexOf(code) >= 0;
        select.appendChild(o);
      });
      select.addEventListener("change", function () {
        var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
        if (!chosen.length) return;
        state.selected[dim] = chosen;
        update();
      });
      var all = document.createElement("button");
      all.type = "button"; all.className = "all"; all.textContent = ui.select_all;
      all.setAttribute("aria-label", ui.select_all + " : " + dimName(dim));
      all.addEventListener("click", function () {
        Array.prototype.forEach.call(select.options, function (o) { o.selected = true; });
        state.selected[dim] = state.order[dim].slice();
        update();
      });
      box.appendChild(lab); box.appendChild(select); box.appendChild(all);
      form.appendChild(box);
    });
  }

  function describeTable() {
    var m = state.meta;
    $("table-title").textContent = m.title[lang];
    var unit = (ui.units && ui.units[m.unit]) || m.unit;
    $("table-unit").textContent = ui.unit + " : " + unit + " · " + m.definition[lang];
    var notes = $("table-notes");
    notes.textContent = "";
    (m.footnotes || []).forEach(function (f) {
      var p = document.createElement("p"); p.className = "help"; p.textContent = f[lang];
      notes.appendChild(p);
    });
    if (m.sources && m.sources.length) {
      var s = document.createElement("p"); s.className = "help";
      s.textContent = ui.sources + " : " + m.sources.join(", ");
      notes.appendChild(s);
    }
    var full = $("downloads-full");
    full.textContent = "";
    Object.keys(m.downloads || {}).forEach(function (fmtName) {
      full.appendChild(link(m.downloads[fmtName], fmtName.toUpperCase() + " (" + ui.downloads_full + ")"));
    });
  }

  function link(href, text) {
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = href; a.textContent = text; a.setAttribute("download", "");
    li.appendChild(a);
    return li;
  }

  function update() {
    syncAddress();
    var q = filterQuery();
    var url = base() + "/cells?" + q.toString();
    $("api-url").textContent = window.location.origin + url;
    var dl = $("downloads");
    dl.textContent = "";
    [["csv", "CSV"], ["sdmx-csv", "SDMX-CSV"], ["jsonstat", "JSON-stat"], ["xlsx", "XLSX"]]
      .forEach(function (f) {
        var query = new URLSearchParams(q); query.set("format", f[0]);
        dl.appendChild(link(base() + "/cells?" + query.toString(), f[1]));
      });
    status(ui.loading);
    fetchAll(q, 0, []).then(function (cells) {
      state.cells = cells;
      status(cells.length + " " + ui.cells + (state.truncated ? " — " + ui.truncated : ""));
      render();
    }).catch(fail);
  }

  function fetchAll(q, offset, acc) {
    var query = new URLSearchParams(q);
    query.set("limit", PAGE); query.set("offset", offset);
    return api(base() + "/cells?" + query.toString()).then(function (page) {
      acc = acc.concat(page.cells);
      state.truncated = page.next !== null && acc.length >= MAX_CELLS;
      if (page.next !== null && acc.length < MAX_CELLS) return fetchAll(q, offset + PAGE, acc);
      return acc;
    });
  }

  function rowDims() { return state.dims.filter(function (d) { return d !== "TIME_PERIOD"; }); }

  /* rows = combinations of the non-time dimensions, columns = years */
  function pivot() {
    var dims = rowDims(), rank = {};
    dims.forEach(function (d) {
      rank[d] = {};
      state.order[d].forEach(function (c, i) { rank[d][c] = i; });
    });
    var years = {}, rows = {};
    state.cells.forEach(function (c) {
      var year = c.TIME_PERIOD || "";
      years[year] = true;
      var key = dims.map(function (d) { return c[d]; }).join("|");
      if (!rows[key]) rows[key] = { codes: dims.map(function (d) { return c[d]; }), cells: {} };
      rows[key].cells[year] = c;
    });
    var list = Object.keys(rows).map(function (k) { return rows[k]; });
    list.sort(function (a, b) {
      for (var i = 0; i < dims.length; i++) {
        var d = rank[dims[i]][a.codes[i]] - rank[dims[i]][b.codes[i]];
        if (d) return d;
      }
      return 0;
    });
    return { dims: dims, years: Object.keys(years).sort(), rows: list };
  }

  function cellText(cell) {
    if (!cell) return { text: "", title: "" };
    if (cell.CONF_STATUS === "C" || cell.CONF_STATUS === "N") {
      return { flag: cell.CONF_STATUS, title: ui["flag_" + cell.CONF_STATUS] };
    }
    if (cell.OBS_VALUE === null) return { text: "..", title: "" };
    return { text: fmt(cell.OBS_VALUE) + (cell.OBS_STATUS === "P" ? " p" : ""),
             title: cell.OBS_STATUS === "P" ? ui.flag_P : "" };
  }

  function rowLabel(p, row) {
    var parts = [];
    p.dims.forEach(function (d, i) {
      if (state.selected[d].length > 1 || p.dims.length === 1) parts.push(label(d, row.codes[i]));
    });
    return parts.join(" · ") || label(p.dims[0], row.codes[0]);
  }

  function render() {
    var p = pivot();
    state.pivot = p;
    renderTable(p);
    renderChart();
    renderMap(p);
  }

  function renderTable(p) {
    var grid = $("grid");
    grid.textContent = "";
    if (!p.rows.length) { grid.textContent = ui.no_data; return; }
    var table = document.createElement("table");
    table.className = "cells";
    var caption = document.createElement("caption");
    caption.textContent = state.meta.title[lang];
    table.appendChild(caption);
    var thead = document.createElement("thead"), tr = document.createElement("tr");
    p.dims.concat(p.years).forEach(function (h, i) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = i < p.dims.length ? dimName(h) : h;
      tr.appendChild(th);
    });
    thead.appendChild(tr); table.appendChild(thead);
    var tbody = document.createElement("tbody");
    p.rows.slice(0, MAX_ROWS).forEach(function (row) {
      var line = document.createElement("tr");
      row.codes.forEach(function (code, i) {
        var cell = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) cell.scope = "row";
        cell.textContent = label(p.dims[i], code);
        line.appendChild(cell);
      });
      p.years.forEach(function (year) {
        var td = document.createElement("td"), shown = cellText(row.cells[year]);
        td.className = "num";
        if (shown.flag) {
          var abbr = document.createElement("abbr");
          abbr.className = "flag"; abbr.title = shown.title; abbr.textContent = shown.flag;
          td.appendChild(abbr);
          td.setAttribute("data-flag", shown.flag);
        } else {
          td.textContent = shown.text;
          if (shown.title) td.title = shown.title;
        }
        line.appendChild(td);
      });
      tbody.appendChild(line);
    });
    table.appendChild(tbody);
    grid.appendChild(table);
  }

  function renderChart() {
    var p = state.pivot, box = $("chart");
    if (!p || !p.rows.length) { box.textContent = ui.no_data; return; }
    var last = p.years[p.years.length - 1];
    var title = state.meta.title[lang];
    if (state.chart === "lines" && p.years.length > 1) {
      var series = p.rows.slice(0, 10).map(function (row) {
        return { label: rowLabel(p, row), values: p.years.map(function (y) {
          var c = row.cells[y];
          return c && c.OBS_VALUE !== null ? c.OBS_VALUE : null;
        }) };
      });
      window.MarsadCharts.lines(box, p.years, series, { label: title, format: fmt });
    } else {
      var items = p.rows.slice(0, 40).map(function (row) {
        var c = row.cells[last];
        return { label: rowLabel(p, row), value: c && c.OBS_VALUE !== null ? c.OBS_VALUE : null,
                 flag: c ? c.CONF_STATUS : "" };
      });
      window.MarsadCharts.bars(box, items, { label: title + " — " + last, format: fmt });
    }
  }

  function renderMap(p) {
    var section = $("map-section"), at = p.dims.indexOf("REGION");
    section.hidden = at < 0;
    if (at < 0 || !p.rows.length) return;
    var last = p.years[p.years.length - 1];
    var slice = p.dims.map(function (d) { return state.selected[d][0]; });
    var regions = {}, described = [];
    Object.keys(state.labels.REGION || {}).forEach(function (code) {
      if (code !== "_T" && code !== "_U") {
        regions[code] = { label: label("REGION", code), value: null, flag: "" };
      }
    });
    p.dims.forEach(function (d, i) { if (i !== at) described.push(label(d, slice[i])); });
    p.rows.forEach(function (row) {
      var same = row.codes.every(function (c, i) { return i === at || c === slice[i]; });
      if (!same || row.codes[at] === "_T" || row.codes[at] === "_U") return;
      var c = row.cells[last];
      regions[row.codes[at]] = { label: label("REGION", row.codes[at]),
                                 value: c && c.OBS_VALUE !== null ? c.OBS_VALUE : null,
                                 flag: c ? c.CONF_STATUS : "" };
    });
    $("map-for").textContent = ui.map_for + " " + last + (described.length ? " · " + described.join(" · ") : "");
    window.MarsadCharts.tileMap($("map"), regions,
      { label: state.meta.title[lang] + " — " + last, format: fmt });
  }

  function copyApi() {
    var text = $("api-url").textContent, button = $("copy-api");
    var done = function () { button.textContent = ui.copied; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, done);
    } else {
      var range = document.createRange();
      range.selectNodeContents($("api-url"));
      window.getSelection().removeAllRanges(); window.getSelection().addRange(range);
      done();
    }
  }

  init();
})();
