/* The bureau dashboard's charts (templates/dashboard/index.html), drawn by the vendored ECharts.
 *
 * The numbers come from <script type="application/json" id="dashboard-data">; the same numbers
 * are in the tables under each chart, so the page is complete without this script. Tooltips are
 * drawn on the canvas (renderMode 'richText'): ECharts' HTML tooltips carry style attributes,
 * which the site's Content Security Policy refuses.
 */
const BRAND = '#b3261e';
const OK = '#1a7f37';
const MUTED = '#c9d1d9';
const charts = [];

function draw(id, option) {
  const element = document.getElementById(id);
  if (!element) return;
  const chart = window.echarts.init(element, null, { renderer: 'canvas' });
  option.animationDuration = 300;
  option.tooltip = { renderMode: 'richText', confine: true, ...option.tooltip };
  chart.setOption(option);
  element.setAttribute('data-chart-ready', 'true');
  charts.push(chart);
}

function bars(labels, values, name, horizontal) {
  const categoryAxis = { type: 'category', data: labels, axisLabel: { interval: 0, hideOverlap: true } };
  const valueAxis = { type: 'value', minInterval: 1 };
  if (horizontal) {
    categoryAxis.inverse = true;
    categoryAxis.axisLabel.width = 140;
    categoryAxis.axisLabel.overflow = 'truncate';
  }
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: [{ type: 'bar', name, data: values, itemStyle: { color: BRAND }, barMaxWidth: 28,
               label: { show: true, position: horizontal ? 'right' : 'top' } }],
  };
}

function drawAll(data) {
  draw('chart-category', bars(data.category.labels, data.category.hours, data.names.hours, true));
  draw('chart-month', bars(data.month.labels, data.month.hours, data.names.hours, false));
  draw('chart-share', {
    tooltip: { trigger: 'item' },
    legend: { bottom: 0 },
    series: [{
      type: 'pie', name: data.names.trainees, radius: ['40%', '68%'], center: ['50%', '45%'],
      label: { formatter: '{b}\n{c} ({d}%)' },
      data: data.share.labels.map((label, i) => (
        { name: label, value: data.share.values[i], itemStyle: { color: i === 0 ? OK : MUTED } })),
    }],
  });
  if (data.courses.labels.length) {
    draw('chart-courses', bars(data.courses.labels, data.courses.completions, data.names.completions, true));
  }
}

const source = document.getElementById('dashboard-data');
if (source && window.echarts) {
  drawAll(JSON.parse(source.textContent));
  let pending = null;
  window.addEventListener('resize', () => {
    clearTimeout(pending);
    pending = setTimeout(() => charts.forEach((chart) => chart.resize()), 150);
  });
}
