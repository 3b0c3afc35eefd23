// Draws the reports chart from the JSON the page embeds (no inline script: the console's CSP forbids it).
(function () {
  var data = document.getElementById('reports-data');
  var canvas = document.getElementById('reports-chart');
  if (!data || !canvas || typeof Chart === 'undefined') return;
  var chart = JSON.parse(data.textContent);
  var palette = ['#8e2442', '#c0392b', '#d35400', '#e67e22', '#b7950b', '#1e8449', '#117a65', '#2874a6', '#6c3483', '#566573'];
  chart.datasets.forEach(function (d, i) { d.backgroundColor = palette[i % palette.length]; });
  new Chart(canvas, {
    type: 'bar',
    data: chart,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' } }
    }
  });
})();
