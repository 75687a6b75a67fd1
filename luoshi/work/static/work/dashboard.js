/* Leader dashboard: draws the charts from the JSON the page embeds (json_script "dashboard-data").
   Every chart clicks through to the task list behind it (TaskFilter params plan, unit, light), with
   the counted scope (leaf=1: work items; lead=1: the unit leads) so the list shows what was counted.
   The server gives each bar's URL, which is also the link in the chart's data table. */
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var charts = [];

  function unitsChart(el) {
    var all = data.units.units, top = data.units.top || all.length;
    var more = document.getElementById("chart-units-more");
    var showAll = false;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    function draw() {
      // The worst units first: on a phone only the first few (a button shows all; the data table
      // below always lists every unit), so the chart stays short enough to read.
      var n = showAll ? all.length : Math.min(top, all.length);
      var narrow = el.clientWidth < 560;
      // The legend is plain (it wraps, never paged behind an arrow) and the scale sits at the top,
      // under the legend, so both are in view when the chart's first rows are.
      var legendRows = narrow ? 2 : 1;
      var gridTop = legendRows * 24 + 22;
      el.style.height = (n * 26 + gridTop + 16) + "px";
      chart.resize();
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
        legend: { top: 0, left: 0, type: "plain", itemGap: 8, itemWidth: 18 },
        grid: { left: 8, right: 16, top: gridTop, bottom: 8, containLabel: true },
        xAxis: { type: "value", position: "top", minInterval: 1, axisLabel: { margin: 6 } },
        yAxis: { type: "category", inverse: true, data: all.slice(0, n).map(function (u) { return u.name; }),
          axisLabel: { width: narrow ? 96 : 160, overflow: "truncate" } },
        series: data.units.series.map(function (s) {
          return {
            name: s.name, type: "bar", stack: "lights", data: s.data.slice(0, n),
            itemStyle: { color: s.color }, emphasis: { focus: "series" }, cursor: "pointer"
          };
        })
      }, { replaceMerge: ["series", "yAxis"] });
      if (more) {
        more.setAttribute("aria-expanded", showAll ? "true" : "false");
        more.textContent = showAll ? more.getAttribute("data-less") : more.getAttribute("data-more");
      }
    }
    draw();
    if (more) {
      more.hidden = false;
      more.addEventListener("click", function () { showAll = !showAll; draw(); });
    }
    chart.on("click", function (p) {
      if (p.componentType !== "series") { return; }
      var unit = all[p.dataIndex];
      if (!unit || !unit.urls[p.seriesIndex]) { return; }
      window.location.href = unit.urls[p.seriesIndex];
    });
    chart.redraw = draw;
    return chart;
  }

  function trendChart(el) {
    var points = data.trend.points;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 32, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return v == null ? "" : v + "%"; } },
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
  window.addEventListener("resize", function () { charts.forEach(function (c) { if (c.redraw) { c.redraw(); } else { c.resize(); } }); });
  window.luoshiDashboard = { charts: charts, data: data };
})();
