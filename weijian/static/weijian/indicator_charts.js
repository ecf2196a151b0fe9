// The monthly indicator charts of an institution's profile (alerts/_institution_panel.html).
// Data come from the json_script element #indicator-series; no inline script (Content-Security-Policy).
// The title and a summary are HTML above each chart (they wrap); the same numbers are in a table beside it.
(function () {
  'use strict';
  var source = document.getElementById('indicator-series');
  var container = document.getElementById('indicator-charts');
  if (!source || !container || typeof echarts === 'undefined') { return; }
  var series = JSON.parse(source.textContent);
  var targetLabel = container.dataset.targetLabel || '';

  // A value as the page prints it: a share as a percentage, other numbers with at most two decimals.
  function formatter(unit) {
    return function (value) {
      if (value === null || value === undefined || isNaN(value)) { return '—'; }
      if (unit === 'percent') { return (Math.round(value * 1000) / 10) + '%'; }
      return String(Math.round(value * 100) / 100);
    };
  }

  // An axis maximum with two significant digits (0.22, not 0.22000000000000003), above the data and the target.
  function niceMax(values, target) {
    var top = Math.max.apply(null, values.concat(target === null ? [] : [target]));
    if (!(top > 0)) { return null; }
    var step = Math.pow(10, Math.floor(Math.log10(top * 1.1)) - 1);
    return Math.ceil(top * 1.1 / step) * step;
  }

  container.querySelectorAll('.chart').forEach(function (el) {
    var s = series[el.dataset.key];
    if (!s) { return; }
    var format = formatter(s.unit);
    var chart = echarts.init(el);
    var line = {type: 'line', data: s.values, smooth: true, name: s.label};
    if (s.target !== null) {
      line.markLine = {
        silent: true, symbol: 'none', lineStyle: {color: '#c81e1e'},
        label: {formatter: function () { return targetLabel + ' ' + format(s.target); }, position: 'insideEndTop'},
        data: [{yAxis: s.target, name: targetLabel}]
      };
    }
    var max = niceMax(s.values, s.target);
    chart.setOption({
      tooltip: {trigger: 'axis', valueFormatter: format},
      grid: {left: 8, right: 16, top: 16, bottom: 8, containLabel: true},
      xAxis: {type: 'category', data: s.periods},
      yAxis: {type: 'value', min: 0, max: max === null ? undefined : max, axisLabel: {formatter: format}},
      series: [line]
    });
    window.addEventListener('resize', function () { chart.resize(); });
  });
})();
