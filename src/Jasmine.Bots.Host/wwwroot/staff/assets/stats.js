// Draws the charts from the JSON the page embeds (no inline script: the console's CSP forbids it).
(function () {
  if (typeof Chart === 'undefined') return;
  var palette = ['#8e2442', '#c0392b', '#d35400', '#e67e22', '#b7950b', '#1e8449', '#117a65', '#2874a6', '#6c3483', '#566573'];
  function draw(dataId, canvasId, stacked) {
    var data = document.getElementById(dataId);
    var canvas = document.getElementById(canvasId);
    if (!data || !canvas) return;
    var chart = JSON.parse(data.textContent);
    chart.datasets.forEach(function (d, i) { d.backgroundColor = palette[i % palette.length]; });
    new Chart(canvas, {
      type: 'bar',
      data: chart,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom' } }
      }
    });
  }
  // Monthly reports per category, stacked; the period report, this period beside a year earlier.
  draw('reports-data', 'reports-chart', true);
  draw('period-data', 'period-chart', false);
})();
