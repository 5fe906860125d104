/* Numbers as core/formatting.py writes them, for charts: QudaoFormat.money(1234567) "¥1,234,567.00",
   QudaoFormat.wan(23670000) "¥2,367.0 万" (English "¥23.67 m"), QudaoFormat.num(12345) "12,345",
   QudaoFormat.axisWan(v) the short form for an axis whose name carries the unit (QudaoFormat.moneyUnit()). */
(function () {
  "use strict";
  function chinese() { return (document.documentElement.lang || "zh-hans").toLowerCase().indexOf("zh") === 0; }
  function grouped(value, places) {
    return Number(value).toLocaleString("en-US", { minimumFractionDigits: places, maximumFractionDigits: places });
  }
  function isEmpty(value) { return value === null || value === undefined || value === "" || isNaN(Number(value)); }
  function money(value, places) {
    if (isEmpty(value)) { return "—"; }
    var n = Number(value);
    return (n < 0 ? "-" : "") + "¥" + grouped(Math.abs(n), places === undefined ? 2 : places);
  }
  function steps() {
    return chinese() ? [[1e8, 2, "亿"], [1e4, 1, "万"]] : [[1e9, 2, "bn"], [1e6, 2, "m"], [1e3, 1, "k"]];
  }
  function wan(value, currency) {
    if (isEmpty(value)) { return "—"; }
    var n = Number(value), size = Math.abs(n), symbol = currency === false ? "" : "¥", list = steps();
    for (var i = 0; i < list.length; i++) {
      if (size >= list[i][0]) { return (n < 0 ? "-" : "") + symbol + grouped(size / list[i][0], list[i][1]) + " " + list[i][2]; }
    }
    return (n < 0 ? "-" : "") + symbol + grouped(size, currency === false ? 0 : 2);
  }
  function num(value, places) { return isEmpty(value) ? "—" : grouped(value, places || 0); }
  function pct(value, places) { return isEmpty(value) ? "—" : grouped(value, places === undefined ? 1 : places) + "%"; }
  /* An axis in 万元 (English: CNY m): the tick as a plain number in that unit. */
  function moneyUnit() { return chinese() ? "万元" : "CNY m"; }
  function axisWan(value) { return grouped(Number(value) / (chinese() ? 1e4 : 1e6), 0); }
  window.QudaoFormat = { money: money, wan: wan, num: num, pct: pct, moneyUnit: moneyUnit, axisWan: axisWan };
})();
