/* Key-project charts, drawn from the JSON each page embeds: the 七个一批 board ("board-data"; every
   bar clicks through to the project list filtered by what it counts) and a project's investment
   ("investment-data"). */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];

  // The server gives each bar's URL (the same link as in the chart's data table).
  function go(url) { if (url) { window.location.href = url; } }

  function bars(el, names, series, horizontal) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var cat = { type: "category", data: names, inverse: !!horizontal };
    var val = { type: "value" };
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? cat : val,
      series: series.map(function (s) { return Object.assign({ type: "bar", cursor: "pointer" }, s); })
    });
    charts.push(chart);
    return chart;
  }

  // A click anywhere in a category's column (or row) opens the list behind it, not only on a bar:
  // grouped bars leave gaps, and a small figure's bar is hard to hit.
  function clickThrough(chart, horizontal, open) {
    chart.getZr().on("click", function (e) {
      var pt = [e.offsetX, e.offsetY];
      if (!chart.containPixel("grid", pt)) { return; }
      var index = chart.convertFromPixel({ seriesIndex: 0 }, pt)[horizontal ? 1 : 0];
      if (index !== undefined && index !== null && index >= 0) { open(Math.round(index)); }
    });
    return chart;
  }

  var boardNode = document.getElementById("board-data");
  if (boardNode) {
    var b = JSON.parse(boardNode.textContent);
    var stages = b.stages;
    window.luoshiBoard = { data: b, charts: charts };
    var stageChart = bars(document.getElementById("chart-stages"), stages.map(function (s) { return s.label; }),
      [{ name: b.labels.projects, data: stages.map(function (s) { return s.count; }), itemStyle: { color: "#0969da" } }]);
    clickThrough(stageChart, false, function (i) { if (stages[i]) { go(stages[i].url); } });
    var cats = b.by_category;
    var catChart = bars(document.getElementById("chart-category"), cats.map(function (c) { return c.label; }), [
      { name: b.labels.plan, data: cats.map(function (c) { return c.plan; }), itemStyle: { color: "#8c959f" } },
      { name: b.labels.done, data: cats.map(function (c) { return c.done; }), itemStyle: { color: "#1a7f37" } }
    ]);
    clickThrough(catChart, false, function (i) { if (cats[i]) { go(cats[i].url); } });
    var units = b.by_unit;
    var unitEl = document.getElementById("chart-unit");
    unitEl.style.height = Math.max(240, units.length * 36 + 80) + "px";
    var unitChart = bars(unitEl, units.map(function (u) { return u.label; }), [
      { name: b.labels.plan, data: units.map(function (u) { return u.plan; }), itemStyle: { color: "#8c959f" } },
      { name: b.labels.done, data: units.map(function (u) { return u.done; }), itemStyle: { color: "#1a7f37" } }
    ], true);
    clickThrough(unitChart, true, function (i) { if (units[i]) { go(units[i].url); } });
  }

  var invNode = document.getElementById("investment-data");
  if (invNode) {
    var d = JSON.parse(invNode.textContent);
    var chart = echarts.init(document.getElementById("investment-chart"), null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", name: d.labels.unit },
      series: [
        { name: d.labels.monthly, type: "bar", data: d.monthly, itemStyle: { color: "#0969da" } },
        { name: d.labels.cumulative, type: "line", data: d.cumulative, itemStyle: { color: "#1a7f37" } },
        { name: d.labels.expected, type: "line", data: d.expected, lineStyle: { type: "dashed" }, itemStyle: { color: "#8c959f" } }
      ]
    });
    charts.push(chart);
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
