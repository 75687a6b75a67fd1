/* A round's page: one stacked bar per responsible unit (done / in progress / not done), drawn from
   the JSON the page embeds (json_script "rectification-chart"). */
(function () {
  "use strict";
  var node = document.getElementById("rectification-chart");
  var el = document.getElementById("units-chart");
  if (!node || !el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  el.style.height = Math.max(240, data.units.length * 26 + 90) + "px";
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 28, containLabel: true },
    xAxis: { type: "value", name: data.axis, nameLocation: "middle", nameGap: 26, minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.units },
    series: data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "state", data: s.data, itemStyle: { color: s.color } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
