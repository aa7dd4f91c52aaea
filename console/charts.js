/**
 * Inline SVG charts: a bar chart and a line chart with an optional target line. Each is a
 * <figure> with a caption, an SVG with a title and description for screen readers, and the same
 * numbers in a table behind a disclosure, so the chart never is the only way to read the data.
 */
import { h, s } from './dom.js';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 16, right: 16, bottom: 36, left: 56 };
let chartCount = 0;

function scale(domainMax, rangeMax) {
  const max = domainMax > 0 ? domainMax : 1;
  return (v) => (v / max) * rangeMax;
}

/** A round top for the axis and a round step (1, 2, 2.5 or 5 × 10^k), about four gridlines. */
function niceScale(values, target, domainMax) {
  if (domainMax) {
    // A bounded scale (CSAT 5, 100 %): its own top, split into 4 or 5 even steps.
    return { top: domainMax, step: domainMax / (Number.isInteger(domainMax / 4) ? 4 : 5) };
  }
  const max = Math.max(0, ...values.filter((v) => v !== null), target ?? 0);
  if (max === 0) return { top: 1, step: 0.5 };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((st) => st >= rough) ?? 10 * magnitude;
  return { top: Math.ceil(max / step) * step, step };
}

function axes({ top, step }, format, plotWidth, plotHeight) {
  const ticks = [];
  for (let tick = 0; tick <= top + step / 1000; tick += step) ticks.push(tick);
  return ticks.map((tick) => {
    const y = PAD.top + plotHeight - (tick / top) * plotHeight;
    return s(
      'g',
      { class: 'tick' },
      s('line', { x1: PAD.left, x2: PAD.left + plotWidth, y1: y, y2: y, class: 'grid' }),
      s('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis-label' }, format(tick)),
    );
  });
}

function xLabels(points, x, step, shortLabel) {
  const every = Math.max(1, Math.ceil(points.length / 8));
  return points
    .map((p, i) =>
      i % every === 0
        ? s(
            'text',
            { x: x(i) + step / 2, y: HEIGHT - PAD.bottom + 16, 'text-anchor': 'middle', class: 'axis-label' },
            shortLabel(p.label),
          )
        : null,
    )
    .filter(Boolean);
}

function dataTable(caption, points, format) {
  return h(
    'details',
    { class: 'chart-data' },
    h('summary', {}, `${caption}: the numbers`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Period'), h('th', { scope: 'col' }, 'Value'))),
      h(
        'tbody',
        {},
        points.map((p) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, p.label),
            h('td', {}, p.value === null ? 'no data' : format(p.value)),
          ),
        ),
      ),
    ),
  );
}

/**
 * @param {{ caption: string, description: string, points: Array<{label: string, value: number|null}>,
 *   kind: 'bar'|'line', format: (v: number) => string, target?: number|null, targetLabel?: string,
 *   shortLabel?: (label: string) => string, domainMax?: number }} chart
 */
export function chart({
  caption,
  description,
  points,
  kind,
  format,
  target = null,
  targetLabel = '',
  // Dates "2031-03-24" print as "03-24" under the axis.
  shortLabel = (label) => label.slice(5),
  // A fixed top for bounded scales (CSAT 5, percentages 100).
  domainMax,
}) {
  const id = `chart-${++chartCount}`;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const values = points.map((p) => p.value);
  const axis = niceScale(values, target, domainMax);
  const y = scale(axis.top, plotHeight);
  const step = plotWidth / Math.max(1, points.length);
  const x = (i) => PAD.left + i * step;
  const marks = [];
  if (kind === 'bar') {
    points.forEach((p, i) => {
      if (p.value === null) return;
      const height = y(p.value);
      marks.push(
        s(
          'rect',
          {
            x: x(i) + step * 0.15,
            y: PAD.top + plotHeight - height,
            width: Math.max(1, step * 0.7),
            height,
            class: 'bar',
          },
          s('title', {}, `${p.label}: ${format(p.value)}`),
        ),
      );
    });
  } else {
    let path = '';
    points.forEach((p, i) => {
      if (p.value === null) return;
      const px = x(i) + step / 2;
      const py = PAD.top + plotHeight - y(p.value);
      path += `${path ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`;
      marks.push(
        s('circle', { cx: px, cy: py, r: 3, class: 'dot' }, s('title', {}, `${p.label}: ${format(p.value)}`)),
      );
    });
    if (path) marks.unshift(s('path', { d: path, class: 'line' }));
  }
  if (target !== null && target !== undefined) {
    const ty = PAD.top + plotHeight - y(target);
    marks.push(
      s('line', { x1: PAD.left, x2: PAD.left + plotWidth, y1: ty, y2: ty, class: 'target' }),
      s(
        'text',
        { x: PAD.left + plotWidth, y: ty - 4, 'text-anchor': 'end', class: 'target-label' },
        targetLabel,
      ),
    );
  }
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-labelledby': `${id}-title ${id}-desc`,
      class: 'chart',
    },
    s('title', { id: `${id}-title` }, caption),
    s('desc', { id: `${id}-desc` }, description),
    axes(axis, format, plotWidth, plotHeight),
    marks,
    xLabels(points, x, step, shortLabel),
  );
  return h(
    'figure',
    { class: 'chart-figure' },
    h('figcaption', {}, caption),
    svg,
    dataTable(caption, points, format),
  );
}
