/* A peer group's ranking page: a bar of the group's values (the district highlighted, the 标杆
   marked) and a line of the district's rank over periods, from the JSON the page embeds
   (json_script "benchmark-chart"). */
(function () {
  "use strict";
  var node = document.getElementById("benchmark-chart");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var bar = document.getElementById("group-chart");
  if (bar) {
    bar.style.height = Math.max(220, data.names.length * 28 + 80) + "px";
    var colours = data.names.map(function (_n, i) {
      return data.home[i] ? "#c9443b" : (data.benchmark[i] ? "#d9a21b" : "#5b8ec9");
    });
    var chart = echarts.init(bar, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 28, bottom: 28, containLabel: true },
      xAxis: { type: "value", name: data.labels.value, nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "category", inverse: true, data: data.names },
      series: [{
        name: data.labels.value, type: "bar",
        data: data.values.map(function (v, i) { return { value: v, itemStyle: { color: colours[i] } }; }),
        label: { show: true, position: "right" }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var line = document.getElementById("rank-chart");
  if (line && data.periods.length) {
    line.style.height = "240px";
    var maxRank = Math.max.apply(null, data.sizes.concat([1]));
    var rankChart = echarts.init(line, null, { renderer: "canvas" });
    rankChart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 24, top: 28, bottom: 28, containLabel: true },
      xAxis: { type: "category", data: data.periods },
      yAxis: { type: "value", inverse: true, min: 1, max: maxRank, minInterval: 1, name: data.labels.rank },
      series: [{ name: data.labels.rank, type: "line", data: data.ranks, connectNulls: false,
        itemStyle: { color: "#c9443b" }, label: { show: true } }]
    });
    window.addEventListener("resize", function () { rankChart.resize(); });
  } else if (line) {
    line.remove();
  }
})();
