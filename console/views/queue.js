import { api } from '../api.js';
import { h } from '../dom.js';
import { at, label, minutesLeft } from '../format.js';

const RISKS = [
  ['', 'Any risk'],
  ['breached', 'Breached'],
  ['at-risk', 'At risk'],
  ['on-track', 'On track'],
  ['paused', 'Paused'],
  ['no-clock', 'No SLA clock'],
];
const PRIORITIES = ['', 'urgent', 'high', 'normal', 'low'];
const STATUSES = ['', 'new', 'open', 'pending', 'on-hold'];
/** Shape beside colour, so risk never rests on colour alone. */
const RISK_ICONS = { breached: '✖', 'at-risk': '▲', 'on-track': '✔', paused: '❚❚', 'no-clock': '–' };

export function riskBadge(risk) {
  return h(
    'span',
    { class: `risk risk-${risk.level}`, title: risk.reason },
    h('span', { 'aria-hidden': 'true' }, RISK_ICONS[risk.level] ?? ''),
    ` ${risk.label}`,
  );
}

function select(name, text, options, value) {
  const id = `filter-${name}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, text),
    h(
      'select',
      { id, name },
      options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)),
    ),
  );
}

export async function queueView(params, { navigate }) {
  const query = new URLSearchParams();
  for (const key of ['risk', 'priority', 'status']) if (params.get(key)) query.set(key, params.get(key));
  query.set('limit', '200');
  const { body } = await api(`/queue?${query}`);
  const zone = body.timeZone;
  const counts = body.counts;
  const filters = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filter the queue',
      onsubmit: (event) => {
        event.preventDefault();
        const form = new FormData(event.target);
        const next = new URLSearchParams();
        for (const [k, v] of form) if (v) next.set(k, String(v));
        navigate(`#/queue${next.size ? `?${next}` : ''}`);
      },
    },
    select(
      'risk',
      'Risk',
      RISKS.map(([v, t]) => [v, t]),
      params.get('risk') ?? '',
    ),
    select(
      'priority',
      'Priority',
      PRIORITIES.map((p) => [p, p ? label(p) : 'Any priority']),
      params.get('priority') ?? '',
    ),
    select(
      'status',
      'Status',
      STATUSES.map((p) => [p, p ? label(p) : 'Any open status']),
      params.get('status') ?? '',
    ),
    h('button', { type: 'submit' }, 'Apply filters'),
  );
  const summary = h(
    'ul',
    { class: 'counts', 'aria-label': 'Tickets by risk' },
    RISKS.slice(1).map(([level, text]) =>
      h(
        'li',
        {},
        riskBadge({ level, label: text, reason: '' }),
        h('span', { class: 'count' }, ` ${counts[level] ?? 0}`),
      ),
    ),
  );
  const rows = body.items.map((item) => {
    const t = item.ticket;
    const next = item.next;
    return h(
      'tr',
      { class: `row-${item.risk.level}`, 'data-ticket': t.id },
      h('td', {}, riskBadge(item.risk)),
      h(
        'th',
        { scope: 'row' },
        h('a', { href: `#/tickets/${t.id}` }, t.subject),
        h('span', { class: 'muted id' }, t.id),
      ),
      h('td', {}, label(t.priority)),
      h('td', {}, label(t.status)),
      h('td', {}, next ? `${label(next.metric)} · ${at(next.deadline, zone)}` : '—'),
      h(
        'td',
        { class: next && next.minutesLeft < 0 ? 'overdue' : '' },
        next ? minutesLeft(next.minutesLeft, next.clock) : '—',
      ),
      h('td', {}, String(t.tier)),
      h('td', {}, t.assignee ?? 'unassigned'),
    );
  });
  const table = body.items.length
    ? h(
        'table',
        { class: 'queue' },
        h(
          'caption',
          {},
          `${body.total} unresolved ticket(s), soonest SLA deadline first${body.truncated ? ' (the oldest were not read: the queue is capped)' : ''}`,
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Risk', 'Ticket', 'Priority', 'Status', 'Next deadline', 'Time left', 'Tier', 'Assignee'].map(
              (c) => h('th', { scope: 'col' }, c),
            ),
          ),
        ),
        h('tbody', {}, rows),
      )
    : h('p', {}, 'No unresolved tickets match.');
  return [
    h('h1', { tabindex: '-1' }, `Queue — ${body.desk}`),
    h(
      'p',
      { class: 'muted' },
      `As of ${at(body.now, zone)} (${zone}). Time left is counted on each target's own clock.`,
    ),
    summary,
    filters,
    table,
  ];
}
