/* Leader dashboard: draws the charts from the JSON the page embeds (json_script "dashboard-data").
   Every chart clicks through to the task list behind it (TaskFilter params plan, unit, light), with
   the counted scope (leaf=1: work items; lead=1: the unit leads) so the list shows what was counted. */
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var charts = [];

  function listUrl(params) {
    var q = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      (Array.isArray(v) ? v : [v]).forEach(function (x) { q.append(k, String(x)); });
    });
    return data.list_url + "?" + q.toString();
  }

  function unitsChart(el) {
    var units = data.units.units;
    // Horizontal bars: one row per unit, tall enough to read on a phone.
    el.style.height = Math.max(320, units.length * 26 + 90) + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 28, containLabel: true },
      xAxis: { type: "value", name: data.labels.tasks, nameLocation: "middle", nameGap: 26, minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: units.map(function (u) { return u.name; }) },
      series: data.units.series.map(function (s) {
        return {
          name: s.name, type: "bar", stack: "lights", data: s.data,
          itemStyle: { color: s.color }, emphasis: { focus: "series" }, cursor: "pointer"
        };
      })
    });
    chart.on("click", function (p) {
      if (p.componentType !== "series") { return; }
      var unit = units[p.dataIndex], series = data.units.series[p.seriesIndex];
      if (!unit || !series) { return; }
      window.location.href = listUrl({ plan: data.plan, unit: unit.id, lead: 1, leaf: 1, light: series.light });
    });
    return chart;
  }

  function trendChart(el) {
    var points = data.trend.points;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "" : v + "%"; } },
      grid: { left: 8, right: 32, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", boundaryGap: false, data: points.map(function (p) { return p.day; }) },
      yAxis: { type: "value", min: 0, max: 100, name: data.labels.share },
      series: [{
        name: data.trend.name, type: "line", smooth: false, symbolSize: 7, cursor: "pointer",
        data: points.map(function (p) { return p.share; }),
        itemStyle: { color: "#1a7f37" }, areaStyle: { opacity: 0.12 }
      }]
    });
    chart.on("click", function () { window.location.href = data.trend.url; });
    return chart;
  }

  var u = document.getElementById("chart-units");
  if (u) { charts.push(unitsChart(u)); }
  var t = document.getElementById("chart-trend");
  if (t) { charts.push(trendChart(t)); }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.luoshiDashboard = { charts: charts, data: data };
})();
