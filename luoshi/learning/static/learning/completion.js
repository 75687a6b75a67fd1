/* A course's completion per unit: assigned and completed people as bars (json_script
   "learning-chart"). */
(function () {
  "use strict";
  var node = document.getElementById("learning-chart");
  var box = document.getElementById("completion-chart");
  if (!node || !box || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  box.style.height = Math.max(220, data.units.length * 36 + 80) + "px";
  var chart = echarts.init(box, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.units },
    series: [
      { name: data.labels.assigned, type: "bar", data: data.assigned, itemStyle: { color: "#9bb4d3" } },
      { name: data.labels.completed, type: "bar", data: data.completed, itemStyle: { color: "#3c8d5a" }, label: { show: true, position: "right" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
