/* The performance dashboard's charts (ECharts, vendored). The data comes from the JSON endpoint
   named in this script tag's data-url; every bar, point and funnel step links to the list behind
   it (its item's "url"). */
(function () {
  "use strict";
  var script = document.getElementById("dashboard-script");
  var labels = JSON.parse(document.getElementById("chart-labels").textContent);
  var charts = [];

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
      if (item && item.url) { window.location.href = item.url; }
    });
    node.dataset.ready = "1";
    charts.push(instance);
  }

  function bars(id, items, key, value, name) {
    chart(id, {
      tooltip: { trigger: "axis" },
      grid: { left: 60, right: 16, top: 24, bottom: 60 },
      xAxis: { type: "category", data: items.map(function (i) { return i[key]; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", name: name, data: items.map(function (i) { return i[value]; }) }]
    }, items);
  }

  function render(data) {
    chart("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { data: [labels.won, labels.registrations] },
      grid: { left: 60, right: 50, top: 30, bottom: 30 },
      xAxis: { type: "category", data: data.trend.map(function (i) { return i.month; }) },
      yAxis: [{ type: "value" }, { type: "value" }],
      series: [
        { type: "bar", name: labels.won, data: data.trend.map(function (i) { return i.won_amount; }) },
        { type: "line", name: labels.registrations, yAxisIndex: 1, data: data.trend.map(function (i) { return i.registrations; }) }
      ]
    }, data.trend);
    chart("chart-funnel", {
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%",
        label: { formatter: "{b}: {c}" },
        data: data.funnel.map(function (i) { return { name: i.stage, value: i.value }; }) }]
    }, data.funnel);
    bars("chart-stage", data.pipeline_by_stage, "stage", "amount", labels.amount);
    bars("chart-pipeline-region", data.pipeline_by_region, "region", "amount", labels.amount);
    bars("chart-region", data.by_region, "region", "won_amount", labels.won);
    var ranking = data.top_partners.concat(data.bottom_partners.filter(function (row) {
      return !data.top_partners.some(function (top) { return top.partner === row.partner; });
    }));
    bars("chart-ranking", ranking, "partner", "won_amount", labels.won);
    bars("chart-gaps", data.benchmark_gaps, "unit", "gap", labels.gap);
    bars("chart-closure", data.closure_by_unit, "unit", "rate", labels.rate);
    document.body.dataset.chartsReady = "1";
  }

  fetch(script.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(render);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
