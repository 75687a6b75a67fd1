/* The warning board: a bar of the worst units' scores coloured by level (a click opens the unit's
   reasons) and a line per level of how many units were at it each day, from the JSON the page embeds
   (json_script "alerts-chart"). */
(function () {
  "use strict";
  var node = document.getElementById("alerts-chart");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var bar = document.getElementById("levels-chart");
  if (bar && data.units.length) {
    bar.style.height = Math.max(200, data.units.length * 24 + 40) + "px";
    var chart = echarts.init(bar, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      // The scale sits at the top, in view with the worst units (the bars' labels give each score).
      grid: { left: 8, right: 32, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "value", position: "top" },
      yAxis: { type: "category", inverse: true, data: data.units },
      series: [{
        name: data.score_label, type: "bar", cursor: "pointer",
        data: data.scores.map(function (v, i) {
          return { value: v, itemStyle: { color: data.colours[data.levels[i]] || "#8c959f" } };
        }),
        label: { show: true, position: "right" }
      }]
    });
    chart.on("click", function (p) { if (data.links[p.dataIndex]) { window.location.href = data.links[p.dataIndex]; } });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var line = document.getElementById("trend-chart");
  if (line && data.trend.dates.length) {
    line.style.height = "260px";
    var trend = echarts.init(line, null, { renderer: "canvas" });
    var levels = Object.keys(data.labels);
    trend.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      // A plain legend at the top: it wraps on a phone instead of running into the dates.
      legend: { top: 0, left: 0, type: "plain", data: levels.map(function (l) { return data.labels[l]; }) },
      grid: { left: 8, right: 24, top: line.clientWidth < 560 ? 60 : 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.dates },
      yAxis: { type: "value", minInterval: 1 },
      series: levels.map(function (l) {
        return { name: data.labels[l], type: "line", stack: "levels", areaStyle: {},
          itemStyle: { color: data.colours[l] }, data: data.trend.series[l] };
      })
    });
    window.addEventListener("resize", function () { trend.resize(); });
  } else if (line) {
    line.remove();
  }
})();
