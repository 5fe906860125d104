/* The performance dashboard's charts (ECharts, vendored). The data comes from the JSON endpoint
   named in this script tag's data-url; every bar, point and funnel step links to the list behind
   it (its item's "url", or for a chart of two series the item's "urls" by series), a list that
   applies the chart's filters and whose total is the element's value.
   Money axes are in 万元 (English: CNY m) with the unit in the axis name, counts in 个; tooltips
   and labels are formatted with QudaoFormat (static/js/format.js). */
(function () {
  "use strict";
  var script = document.getElementById("dashboard-script");
  var labels = JSON.parse(document.getElementById("chart-labels").textContent);
  var F = window.QudaoFormat;
  var charts = [];

  var FORMAT = {
    money: function (v) { return F.money(v); },
    count: function (v) { return F.num(v); },
    pct: function (v) { return F.pct(v); }
  };

  function axis(kind, extra) {
    var found = { type: "value", nameTextStyle: { align: "left" } };
    if (kind === "money") {
      found.name = F.moneyUnit();
      found.axisLabel = { formatter: F.axisWan };
    } else if (kind === "pct") {
      found.name = "%";
      found.axisLabel = { formatter: function (v) { return F.num(v); } };
    } else {
      found.name = labels.count_unit;
      found.minInterval = 1;
      found.axisLabel = { formatter: function (v) { return F.num(v); } };
    }
    return Object.assign(found, extra || {});
  }

  /* An axis tooltip: the category, then each series' value in its own format. */
  function tooltip(kinds) {
    return {
      trigger: "axis",
      formatter: function (params) {
        var rows = [params[0].axisValueLabel];
        params.forEach(function (p) {
          rows.push(p.marker + p.seriesName + ": " + FORMAT[kinds[p.seriesIndex]](p.value));
        });
        return rows.join("<br>");
      }
    };
  }

  function chart(id, option, items) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) { return; }
    if (!items || !items.length) {
      node.innerHTML = '<p class="text-muted small mb-0">' + labels.empty + "</p>";
      return;
    }
    var instance = window.echarts.init(node);
    instance.setOption(option);
    instance.on("click", function (event) {
      var item = items[event.dataIndex];
      if (!item) { return; }
      var url = item.urls ? item.urls[event.seriesIndex] : item.url;
      if (url) { window.location.href = url; }
    });
    node.dataset.ready = "1";
    charts.push(instance);
  }

  function bars(id, items, key, value, name, kind) {
    chart(id, {
      tooltip: tooltip([kind]),
      grid: { left: 64, right: 16, top: 36, bottom: 60 },
      xAxis: { type: "category", data: items.map(function (i) { return i[key]; }), axisLabel: { rotate: 30 } },
      yAxis: axis(kind),
      series: [{ type: "bar", name: name, data: items.map(function (i) { return i[value]; }) }]
    }, items);
  }

  function render(data) {
    chart("chart-trend", {
      tooltip: tooltip(["money", "count"]),
      legend: { data: [labels.won, labels.registrations], bottom: 0 },
      grid: { left: 64, right: 56, top: 36, bottom: 56 },
      xAxis: { type: "category", data: data.trend.map(function (i) { return i.month; }) },
      yAxis: [axis("money"), axis("count", { nameTextStyle: { align: "right" } })],
      series: [
        { type: "bar", name: labels.won, data: data.trend.map(function (i) { return i.won_amount; }) },
        { type: "line", name: labels.registrations, yAxisIndex: 1, data: data.trend.map(function (i) { return i.registrations; }) }
      ]
    }, data.trend);
    chart("chart-funnel", {
      tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + F.num(p.value); } },
      series: [{ type: "funnel", sort: "none", left: "4%", width: "58%", min: 0,
        max: Math.max.apply(null, data.funnel.map(function (i) { return i.value; }).concat([1])),
        label: { formatter: function (p) { return p.name + ": " + F.num(p.value); } },
        data: data.funnel.map(function (i) { return { name: i.stage, value: i.value }; }) }]
    }, data.funnel);
    bars("chart-stage", data.pipeline_by_stage, "stage", "amount", labels.amount, "money");
    bars("chart-pipeline-region", data.pipeline_by_region, "region", "amount", labels.amount, "money");
    bars("chart-region", data.by_region, "region", "won_amount", labels.won, "money");
    var ranking = data.top_partners.concat(data.bottom_partners.filter(function (row) {
      return !data.top_partners.some(function (top) { return top.partner === row.partner; });
    }));
    bars("chart-ranking", ranking, "partner", "won_amount", labels.won, "money");
    bars("chart-gaps", data.benchmark_gaps, "unit", "gap", labels.gap, "money");
    bars("chart-closure", data.closure_by_unit, "unit", "rate", labels.rate, "pct");
    document.body.dataset.chartsReady = "1";
  }

  fetch(script.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(render);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
