import { api } from '../api.js';
import { chart } from '../charts.js';
import { h } from '../dom.js';
import { at, kpiValue, label, percent } from '../format.js';

const count = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

const VERDICTS = {
  met: ['✔', 'Met'],
  missed: ['✖', 'Missed'],
  'no-data': ['…', 'No data yet'],
  'no-target': ['–', 'No target in the policy'],
};

function verdictBadge(verdict) {
  const [icon, text] = VERDICTS[verdict];
  return h(
    'span',
    { class: `verdict verdict-${verdict}` },
    h('span', { 'aria-hidden': 'true' }, icon),
    ` ${text}`,
  );
}

/** One KPI; `verdicts` false when the desk's policy sets no target at all (one note says so instead). */
function card(kpi, verdicts) {
  return h(
    'li',
    { class: `kpi kpi-${kpi.verdict}` },
    h('h3', {}, kpi.label),
    h('p', { class: 'kpi-value' }, kpiValue(kpi.value, kpi.unit)),
    verdicts || kpi.verdict === 'no-data'
      ? h('p', {}, verdictBadge(kpi.verdict), kpi.target ? ` · target ${kpi.target.text}` : '')
      : null,
    h('p', { class: 'muted' }, `Based on ${kpi.basis}`),
    kpi.target ? h('p', { class: 'muted source' }, `“${kpi.target.source}”`) : null,
  );
}

function select(id, text, options, value) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, text),
    h(
      'select',
      { id, name: id },
      options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)),
    ),
  );
}

function attainmentTable(report) {
  const byMetric = report.slaAttainment.byMetric;
  if (!byMetric) return null;
  const priorities = ['urgent', 'high', 'normal', 'low'];
  return h(
    'table',
    { class: 'attainment' },
    h('caption', {}, `SLA attainment per metric and priority (${report.slaAttainment.pack})`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Metric'),
        priorities.map((p) => h('th', { scope: 'col' }, label(p))),
        h('th', { scope: 'col' }, 'All'),
      ),
    ),
    h(
      'tbody',
      {},
      Object.entries(byMetric).map(([metric, cell]) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, label(metric)),
          priorities.map((p) => {
            const c = cell.byPriority[p];
            return h('td', {}, c.measured ? `${percent(c.attainment)} (${c.met}/${c.measured})` : '—');
          }),
          h('td', {}, cell.measured ? `${percent(cell.attainment)} (${cell.met}/${cell.measured})` : '—'),
        ),
      ),
    ),
  );
}

export async function kpisView(params, { navigate, rememberZone }) {
  const period = params.get('period') ?? '30d';
  const trend = params.get('trend') ?? 'daily';
  const { body: report } = await api(
    `/kpis?period=${encodeURIComponent(period)}&trend=${encodeURIComponent(trend)}`,
  );
  rememberZone(report.timeZone);
  const points = report.trend.points;
  const csatTarget = report.kpis.find((k) => k.kpi === 'csat')?.target;
  const fcrTarget = report.kpis.find((k) => k.kpi === 'firstContactResolution')?.target;
  const controls = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'KPI window',
      onsubmit: (event) => {
        event.preventDefault();
        const form = new FormData(event.target);
        navigate(`#/kpis?period=${form.get('period')}&trend=${form.get('trend')}`);
      },
    },
    select(
      'period',
      'Window',
      [
        ['30d', 'Last 30 days'],
        ['90d', 'Last 90 days'],
        ['365d', 'Last 365 days'],
      ],
      period,
    ),
    select(
      'trend',
      'Trend',
      [
        ['daily', 'Daily'],
        ['weekly', 'Weekly'],
      ],
      trend,
    ),
    h('button', { type: 'submit' }, 'Show'),
  );
  const withTargets = report.kpis.some((k) => k.target);
  const truncated = Object.values(report.population.truncated).some(Boolean);
  return [
    h('h1', { tabindex: '-1' }, `KPIs — ${report.desk}`),
    h(
      'p',
      { class: 'muted' },
      at(report.period.from, report.timeZone),
      ' to ',
      at(report.period.to, report.timeZone),
      ` (${report.timeZone}): ${report.population.tickets} tickets created, ${report.population.surveys} survey answers, ${report.population.backlog} unresolved now.`,
      truncated ? ' Some data was left out: the window holds more than one report reads.' : '',
    ),
    h(
      'p',
      { class: 'muted' },
      withTargets
        ? `Targets from ${report.policy.document}.`
        : `${report.policy.document} sets no KPI target: the values are shown without a verdict.`,
      report.policy.cadence ? ` The document says: “${report.policy.cadence}”` : '',
    ),
    controls,
    h(
      'ul',
      { class: 'kpis', 'aria-label': 'Key performance indicators' },
      report.kpis.map((kpi) => card(kpi, withTargets)),
    ),
    h(
      'section',
      { class: 'charts', 'aria-labelledby': 'charts-title' },
      h('h2', { id: 'charts-title' }, `Trends (${trend})`),
      chart({
        caption: 'Tickets created',
        description: `Tickets created per ${trend === 'daily' ? 'day' : 'week'} in the desk's time zone.`,
        points: points.map((p) => ({ label: p.label, value: p.tickets })),
        kind: 'bar',
        format: count,
      }),
      chart({
        caption: 'First response time (median, minutes)',
        description: 'Median minutes from creation to the first public reply, by creation date.',
        points: points.map((p) => ({ label: p.label, value: p.firstResponseMedianMinutes })),
        kind: 'line',
        format: (v) => `${v.toFixed(0)} min`,
      }),
      chart({
        caption: 'SLA attainment (%)',
        description: 'Share of SLA targets met among the clocks that ended, by ticket creation date.',
        points: points.map((p) => ({
          label: p.label,
          value: p.slaAttainment === null ? null : p.slaAttainment * 100,
        })),
        kind: 'bar',
        format: (v) => `${v.toFixed(0)} %`,
        domainMax: 100,
      }),
      chart({
        caption: 'First contact resolution (%)',
        description: 'Share of resolved tickets solved after one public reply and never reopened.',
        points: points.map((p) => ({
          label: p.label,
          value: p.firstContactResolution === null ? null : p.firstContactResolution * 100,
        })),
        kind: 'line',
        format: (v) => `${v.toFixed(0)} %`,
        domainMax: 100,
        target: fcrTarget ? fcrTarget.value * 100 : null,
        targetLabel: fcrTarget ? `target ${fcrTarget.text}` : '',
      }),
      chart({
        caption: 'CSAT (1–5)',
        description: 'Mean satisfaction score of the survey answers submitted in each period.',
        points: points.map((p) => ({ label: p.label, value: p.csat })),
        kind: 'line',
        format: (v) => v.toFixed(1),
        domainMax: 5,
        target: csatTarget ? csatTarget.value : null,
        targetLabel: csatTarget ? `target ${csatTarget.text}` : '',
      }),
      chart({
        caption: 'Backlog age now',
        description: 'Unresolved tickets by age.',
        points: report.backlog.byAge.map((b) => ({ label: b.label, value: b.count })),
        shortLabel: (l) => l,
        kind: 'bar',
        format: count,
      }),
    ),
    h('section', { 'aria-label': 'SLA attainment' }, attainmentTable(report)),
  ];
}
