/* The role home page's charts (ECharts, vendored). Each panel's chart is a JSON payload in a
   <script type="application/json"> (json_script) named by the chart node's data-chart; every
   bar and slice links to the list behind it (its item's "url"). Amounts are drawn in 万元
   (English: CNY m) with the unit in the axis name, tooltips through QudaoFormat. */
(function () {
  "use strict";
  var labels = JSON.parse(document.getElementById("home-chart-labels").textContent);
  var charts = [];
  var F = window.QudaoFormat;

  function formatter(unit) {
    if (unit === "wan") { return function (v) { return F.wan(v); }; }
    if (unit === "days") { return function (v) { return F.num(v) + " " + labels.days; }; }
    if (unit === "pct") { return function (v) { return F.pct(v); }; }
    return function (v) { return F.num(v); };
  }

  function axis(spec) {
    var unit = spec.unit;
    var axisSpec = { type: "value", minInterval: unit === "wan" ? 0 : 1 };
    if (unit === "wan") {
      axisSpec.name = F.moneyUnit();
      /* the tick in the axis's unit (万元 or CNY m), with the decimals small values need */
      var size = F.moneyUnit() === "万元" ? 1e4 : 1e6;
      axisSpec.axisLabel = { formatter: function (v) { return (v / size).toLocaleString("en-US", { maximumFractionDigits: 2 }); } };
    } else {
      axisSpec.name = spec.unit_label || "";
      axisSpec.axisLabel = { formatter: function (v) { return F.num(v); } };
    }
    return axisSpec;
  }

  function tooltip(spec) {
    var format = formatter(spec.unit);
    return function (params) {
      var list = Array.isArray(params) ? params : [params];
      var item = spec.items[list[0].dataIndex] || {};
      var lines = [item.label];
      list.forEach(function (p) {
        lines.push((p.marker || "") + (p.seriesName ? p.seriesName + ": " : "") + format(p.value));
      });
      if (item.count !== undefined && spec.count_label) {
        lines.push(spec.count_label + ": " + F.num(item.count));
      }
      if (item.attainment !== undefined && item.attainment !== null) {
        lines.push(labels.attainment + ": " + F.pct(item.attainment));
      }
      if (item.number) { lines.push(item.number + (item.partner ? " · " + item.partner : "")); }
      return lines.map(escape).join("<br>");
    };
  }

  function escape(text) {
    /* the marker is ECharts' own HTML; everything else is data */
    text = String(text === undefined || text === null ? "" : text);
    if (text.indexOf("<span") === 0) {
      var end = text.indexOf("</span>") + 7;
      return text.slice(0, end) + plain(text.slice(end));
    }
    return plain(text);
  }

  function plain(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function shortener(size) {
    return function (text) {
      text = String(text || "");
      return text.length > size ? text.slice(0, size - 1) + "…" : text;
    };
  }

  function textWidth(text) {
    /* about how wide a label is drawn at 12 px: a Chinese character is about 12 px, others 7 */
    var width = 0;
    for (var i = 0; i < text.length; i++) { width += text.charCodeAt(i) > 0x2e7f ? 12 : 7; }
    return width;
  }

  function option(spec, node) {
    var items = spec.items;
    var names = items.map(function (i) { return i.label; });
    var series = spec.series || [];
    if (spec.kind === "pie") {
      return {
        tooltip: { trigger: "item", formatter: tooltip(spec) },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["35%", "65%"], top: 0, bottom: 30,
          label: { formatter: function (p) { return p.name + " " + formatter(spec.unit)(p.value); } },
          data: items.map(function (i) { return { name: i.label, value: i.value }; })
        }]
      };
    }
    var horizontal = spec.kind === "hbar";
    /* a column's names lie flat when they fit under it; else they are turned (and shortened)
       so that long partner names do not run into each other */
    var slot = ((node && node.clientWidth) || 480) * 0.8 / Math.max(items.length, 1);
    var widest = Math.max.apply(null, names.map(function (n) { return textWidth(shortener(10)(n)); }));
    var rotate = !horizontal && (items.length > 5 || widest > slot - 8);
    var categories = { type: "category", data: names, axisLabel: { formatter: shortener(rotate ? 8 : 10), interval: 0 } };
    if (!horizontal && !rotate) {
      categories.axisLabel.width = Math.max(slot - 8, 24);
      categories.axisLabel.overflow = "truncate";
    }
    var values = axis(spec);
    var data;
    if (spec.kind === "compare") {
      data = [
        { type: "bar", name: series[0] || "", barMaxWidth: 36, data: items.map(function (i) { return i.value2; }), itemStyle: { color: "#adb5bd" } },
        { type: "bar", name: series[1] || "", barMaxWidth: 36, data: items.map(function (i) { return i.value; }) }
      ];
    } else {
      data = [{ type: "bar", name: series[0] || "", barMaxWidth: 36, data: items.map(function (i) { return i.value; }) }];
    }
    if (horizontal) {
      categories.inverse = true;
      values.nameLocation = "middle";
      values.nameGap = 26;
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: tooltip(spec) },
        grid: { left: 8, right: 24, top: 8, bottom: 30, containLabel: true },
        xAxis: values, yAxis: categories, series: data
      };
    }
    categories.axisLabel.rotate = rotate ? 30 : 0;
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: tooltip(spec) },
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 24, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: categories, yAxis: values, series: data
    };
  }

  function draw(node) {
    var spec = JSON.parse(document.getElementById(node.dataset.chart).textContent);
    if (!spec.items || !spec.items.length) {
      node.style.height = "auto";
      node.innerHTML = '<p class="text-muted small mb-0">' + plain(labels.empty) + "</p>";
      node.dataset.ready = "1";
      return;
    }
    var instance = window.echarts.init(node);
    instance.setOption(option(spec, node));
    instance.on("click", function (event) {
      var item = spec.items[event.dataIndex];
      if (item && item.url) { window.location.href = item.url; }
    });
    /* clicking beside a bar (its row or column of the grid) opens its list too */
    if (spec.kind !== "pie") { instance.getZr().on("click", function (event) {
      if (event.target) { return; }
      var point = [event.offsetX, event.offsetY];
      if (!instance.containPixel("grid", point)) { return; }
      var found = instance.convertFromPixel("grid", point);
      var index = spec.kind === "hbar" ? found[1] : found[0];
      var item = spec.items[index];
      if (item && item.url) { window.location.href = item.url; }
    }); }
    node.dataset.ready = "1";
    charts.push(instance);
  }

  if (!window.echarts) { return; }
  document.querySelectorAll("[data-chart]").forEach(draw);
  document.body.dataset.chartsReady = "1";
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
