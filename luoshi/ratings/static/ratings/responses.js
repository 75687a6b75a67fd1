/* A rating round's page: per panel, raters who answered and who have not (stacked bar), from the
   JSON the page embeds (json_script "ratings-chart"). */
(function () {
  "use strict";
  var node = document.getElementById("ratings-chart");
  var el = document.getElementById("response-chart");
  if (!node || !el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  el.style.height = Math.max(200, data.panels.length * 34 + 90) + "px";
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 28, containLabel: true },
    xAxis: { type: "value", name: data.labels.axis, nameLocation: "middle", nameGap: 26, minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.panels },
    series: [
      { name: data.labels.answered, type: "bar", stack: "n", data: data.answered, itemStyle: { color: "#3a9a5b" } },
      { name: data.labels.pending, type: "bar", stack: "n", data: data.pending, itemStyle: { color: "#c9443b" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
