// The monthly indicator charts of an institution's profile (alerts/_institution_panel.html).
// Data come from the json_script element #indicator-series; no inline script (Content-Security-Policy).
(function () {
  'use strict';
  var source = document.getElementById('indicator-series');
  var container = document.getElementById('indicator-charts');
  if (!source || !container || typeof echarts === 'undefined') { return; }
  var series = JSON.parse(source.textContent);
  var targetLabel = container.dataset.targetLabel || '';
  container.querySelectorAll('.chart').forEach(function (el) {
    var s = series[el.dataset.key];
    if (!s) { return; }
    var chart = echarts.init(el);
    var line = {type: 'line', data: s.values, smooth: true, name: s.label};
    if (s.target !== null) {
      line.markLine = {silent: true, data: [{yAxis: s.target, name: targetLabel}], lineStyle: {color: '#c81e1e'}};
    }
    chart.setOption({
      title: {text: s.label, textStyle: {fontSize: 14}},
      tooltip: {trigger: 'axis'},
      grid: {left: 50, right: 20, top: 40, bottom: 30},
      xAxis: {type: 'category', data: s.periods},
      yAxis: {type: 'value', max: function (v) { return s.target === null ? null : Math.max(v.max, s.target) * 1.1; }},
      series: [line]
    });
    window.addEventListener('resize', function () { chart.resize(); });
  });
})();
