/* The project Gantt: stages (thin bars), tasks (bars) and milestones (diamonds) on a time axis,
   drawn with ECharts from the JSON at #gantt[data-url]. Colours follow the status; overdue items
   are red; a vertical line marks today. */
(function () {
  "use strict";
  const DAY = 86400000;
  const COLOURS = {
    done: "#198754", doing: "#0d6efd", todo: "#6c757d", cancelled: "#adb5bd",
    active: "#0d6efd", in_approval: "#ffc107", returned: "#dc3545", pending: "#ced4da",
    skipped: "#adb5bd",
  };

  function renderBar(params, api) {
    const y = api.value(0);
    const start = api.coord([api.value(1), y]);
    const end = api.coord([api.value(2), y]);
    const band = api.size([0, 1])[1];
    const height = band * (api.value(5) === "stage" ? 0.35 : 0.6);
    const shape = echarts.graphic.clipRectByRect(
      { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 3), height: height },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height }
    );
    return shape && { type: "rect", transition: ["shape"], shape: shape, style: api.style() };
  }

  function draw(element, data) {
    const labels = element.dataset;
    const rows = data.stages.map(function (s) { return Object.assign({ kind: "stage", owner: "" }, s); })
      .concat(data.items);
    const names = rows.map(function (r) { return (r.kind === "stage" ? "▸ " : "") + r.name; });
    const colour = function (r) { return r.overdue ? "#dc3545" : (COLOURS[r.status] || "#6c757d"); };
    const bars = [], milestones = [];
    rows.forEach(function (r, i) {
      const start = Date.parse(r.start), end = Date.parse(r.end) + DAY;
      const info = [i, start, end, r.status_label, r.owner, r.kind, r.name];
      if (r.kind === "milestone") {
        milestones.push({ value: [end - DAY / 2, i, r.status_label, r.owner, r.name], itemStyle: { color: colour(r) } });
      } else {
        bars.push({ value: info, itemStyle: { color: colour(r), opacity: r.kind === "stage" ? 0.6 : 0.9 } });
      }
    });
    const chart = echarts.init(element);
    const day = function (t) { return echarts.time.format(t, "{yyyy}-{MM}-{dd}"); };
    chart.setOption({
      animation: false,
      grid: { left: 170, right: 24, top: 24, bottom: 32 },
      tooltip: {
        formatter: function (p) {
          const v = p.value;
          if (p.seriesIndex === 1) {
            return v[4] + "<br>" + day(v[0]) + " · " + v[2] + (v[3] ? "<br>" + labels.labelOwner + ": " + v[3] : "");
          }
          return v[6] + "<br>" + day(v[1]) + " → " + day(v[2] - DAY) + " · " + v[3] +
            (v[4] ? "<br>" + labels.labelOwner + ": " + v[4] : "");
        },
      },
      xAxis: { type: "time", position: "top", splitLine: { show: true, lineStyle: { color: "#eee" } } },
      yAxis: {
        type: "category", data: names, inverse: true, axisTick: { show: false },
        axisLabel: { width: 160, overflow: "truncate" },
      },
      dataZoom: [{ type: "inside", xAxisIndex: 0 }],
      series: [
        {
          type: "custom", renderItem: renderBar, encode: { x: [1, 2], y: 0 }, data: bars,
          markLine: {
            symbol: "none", silent: true, label: { formatter: labels.labelToday },
            lineStyle: { color: "#dc3545", type: "dashed" },
            data: [{ xAxis: Date.parse(data.today) + DAY / 2 }],
          },
        },
        { type: "scatter", symbol: "diamond", symbolSize: 16, data: milestones, z: 3 },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
    element.dataset.ready = "true";
  }

  function start() {
    const element = document.getElementById("gantt");
    if (!element || !window.echarts) { return; }
    fetch(element.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { draw(element, data); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
