/* A run's results page: the score distribution, each group's units by score, and the movement
   against the previous version, from the JSON the page embeds (json_script "assessment-chart"). */
(function () {
  "use strict";
  var node = document.getElementById("assessment-chart");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var charts = [];
  function draw(id, option, height) {
    var el = document.getElementById(id);
    if (!el) { return; }
    el.style.height = height + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  }
  draw("chart-distribution", {
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 16, top: 20, bottom: 28, containLabel: true },
    xAxis: { type: "category", data: data.bins },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.counts, itemStyle: { color: "#2f6fb3" } }]
  }, 240);
  var names = [], scores = [];
  data.groups.forEach(function (g) {
    g.units.forEach(function (u, i) { names.push(g.name + " · " + u); scores.push(g.scores[i]); });
  });
  draw("chart-groups", {
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 16, top: 10, bottom: 20, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: names },
    series: [{ type: "bar", data: scores, itemStyle: { color: "#3a9a5b" } }]
  }, Math.max(200, names.length * 22 + 60));
  if (data.movement.units.length) {
    draw("chart-movement", {
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 10, bottom: 20, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: data.movement.units },
      series: [{ type: "bar", data: data.movement.deltas, itemStyle: { color: "#c98a1b" } }]
    }, Math.max(160, data.movement.units.length * 22 + 60));
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
