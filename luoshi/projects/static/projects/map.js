/* The project map (一张图): the district boundary the server stored is registered with ECharts (no
   outside request), the projects are points coloured by stage or light; a point opens its project. */
(function () {
  "use strict";
  var node = document.getElementById("map-data");
  var el = document.getElementById("project-map");
  if (!node || !el || typeof echarts === "undefined") { return; }
  var d = JSON.parse(node.textContent);
  var STAGE_COLORS = ["#d0d7de", "#8c959f", "#bf8700", "#9a6700", "#0969da", "#1f6feb", "#8250df", "#1a7f37", "#116329"];
  var LIGHT_COLORS = { green: "#1a7f37", yellow: "#d4a72c", red: "#cf222e", overdue: "#8250df", done: "#57606a", not_started: "#8c959f" };
  var groups = d.color_by === "light"
    ? d.lights.map(function (l) { return { key: l.value, label: l.label, color: LIGHT_COLORS[l.value] || "#8c959f" }; })
    : d.stages.map(function (s, i) { return { key: s.value, label: s.label, color: STAGE_COLORS[i] }; });
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var option = {
    animation: false,
    tooltip: { trigger: "item", formatter: function (p) { return p.data && p.data.name ? p.data.name + " (" + p.seriesName + ")" : ""; } },
    legend: { top: 8, left: 8, orient: "vertical" },
    series: []
  };
  if (d.boundary) {
    echarts.registerMap("district", d.boundary);
    option.geo = { map: "district", roam: true, itemStyle: { areaColor: "#f6f8fa", borderColor: "#57606a" }, emphasis: { disabled: true } };
  } else {
    // Without a boundary the points are drawn on plain axes of longitude and latitude.
    option.xAxis = { type: "value", scale: true, name: "lng" };
    option.yAxis = { type: "value", scale: true, name: "lat" };
    option.grid = { left: 140, right: 40, top: 32, bottom: 40 };  // the legend stands left of the axes
  }
  groups.forEach(function (g) {
    var data = d.points.filter(function (p) { return (d.color_by === "light" ? p.light : p.stage) === g.key; });
    if (!data.length) { return; }
    option.series.push({
      name: g.label, type: "scatter", coordinateSystem: d.boundary ? "geo" : "cartesian2d",
      data: data, symbolSize: 12, itemStyle: { color: g.color, borderColor: "#fff", borderWidth: 1 }, cursor: "pointer"
    });
  });
  chart.setOption(option);
  chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
  window.luoshiMap = { chart: chart, data: d };
  window.addEventListener("resize", function () { chart.resize(); });
})();
