import { apiPages } from '../api.js';
import { h, render } from '../dom.js';
import { age, at, idBadge, label, minutesLeft, offsetOf } from '../format.js';

/**
 * The queue, for people who work it all day: every unresolved ticket of the desk with requester, plan,
 * priority, age, last update and time left; sortable by any column, filtered and searched in the page
 * (the API sends the whole queue, soonest SLA deadline first), refreshed on a timer without moving the
 * scroll position, the focus or the selected row. The view's state lives in the hash
 * (`#/queue?q=…&sort=…`), written with replaceState so a change never re-renders the page.
 */
const RISKS = [
  ['breached', 'Breached'],
  ['at-risk', 'At risk'],
  ['on-track', 'On track'],
  ['paused', 'Paused'],
  ['no-clock', 'No SLA clock'],
];
const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };
const RISK_RANK = { breached: 0, 'at-risk': 1, 'on-track': 2, paused: 3, 'no-clock': 4 };
const STATUSES = ['new', 'open', 'pending', 'on-hold'];
/** Shape beside colour, so risk never rests on colour alone. */
const RISK_ICONS = { breached: '✖', 'at-risk': '▲', 'on-track': '✔', paused: '❚❚', 'no-clock': '–' };
/** Most tickets one view reads; the API's page limit is 500. */
const PAGE_LIMIT = 500;
export const REFRESH_CHOICES = [
  ['0', 'Off'],
  ['15', 'every 15 s'],
  ['30', 'every 30 s'],
  ['60', 'every minute'],
];
const QUEUE_HASH_KEY = 'tierdesk.ops.queue';
const FILTERS = ['risk', 'priority', 'status', 'plan', 'assignee'];

export function riskBadge(risk) {
  return h(
    'span',
    { class: `risk risk-${risk.level}`, title: risk.reason || null },
    h('span', { 'aria-hidden': 'true' }, RISK_ICONS[risk.level] ?? ''),
    ` ${risk.label}`,
  );
}

const requesterText = (t) => t.requester?.name ?? t.requester?.email ?? '—';
const compareText = (a, b) => String(a ?? '').localeCompare(String(b ?? ''));

/** The columns: heading, how the column sorts, and its cell. `order` is the API's SLA order. */
const COLUMNS = [
  { key: 'risk', title: 'Risk', sort: (a, b) => RISK_RANK[a.risk.level] - RISK_RANK[b.risk.level] },
  { key: 'ticket', title: 'Ticket', sort: (a, b) => compareText(a.ticket.subject, b.ticket.subject) },
  {
    key: 'requester',
    title: 'Requester',
    sort: (a, b) => compareText(requesterText(a.ticket), requesterText(b.ticket)),
  },
  { key: 'plan', title: 'Plan', sort: (a, b) => compareText(a.ticket.plan, b.ticket.plan) },
  {
    key: 'priority',
    title: 'Priority',
    sort: (a, b) => PRIORITY_RANK[a.ticket.priority] - PRIORITY_RANK[b.ticket.priority],
  },
  { key: 'status', title: 'Status', sort: (a, b) => compareText(a.ticket.status, b.ticket.status) },
  // Oldest first reads as "age, descending": sort by creation, the oldest on top when descending.
  { key: 'age', title: 'Age', sort: (a, b) => compareText(b.ticket.createdAt, a.ticket.createdAt) },
  {
    key: 'updated',
    title: 'Last update',
    sort: (a, b) => compareText(b.ticket.updatedAt, a.ticket.updatedAt),
  },
  { key: 'timeLeft', title: 'Time left', sort: (a, b) => a.order - b.order },
  { key: 'tier', title: 'Tier', sort: (a, b) => a.ticket.tier - b.ticket.tier },
  { key: 'assignee', title: 'Assignee', sort: (a, b) => compareText(a.ticket.assignee, b.ticket.assignee) },
];

/** The view's state across visits and refreshes (the selection survives opening a ticket and coming back). */
const state = {
  selected: null,
  refreshSeconds: 30,
};

function readParams(params) {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? '']));
  const column = COLUMNS.find((c) => c.key === params.get('sort'));
  const refresh = params.get('refresh');
  if (refresh !== null && REFRESH_CHOICES.some(([v]) => v === refresh))
    state.refreshSeconds = Number(refresh);
  return {
    filters,
    q: params.get('q') ?? '',
    sort: column ? column.key : 'timeLeft',
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
  };
}

function writeParams(view) {
  const params = new URLSearchParams();
  for (const f of FILTERS) if (view.filters[f]) params.set(f, view.filters[f]);
  if (view.q) params.set('q', view.q);
  if (view.sort !== 'timeLeft') params.set('sort', view.sort);
  if (view.dir !== 'asc') params.set('dir', view.dir);
  if (state.refreshSeconds !== 30) params.set('refresh', String(state.refreshSeconds));
  const hash = `#/queue${params.size ? `?${params}` : ''}`;
  history.replaceState(null, '', hash);
  sessionStorage.setItem(QUEUE_HASH_KEY, hash);
}

const ASSIGNEES_KEY = 'tierdesk.ops.assignees';
/** Staff the queue shows as assignees: the ticket view offers them in its assignee field. */
function rememberAssignees(ids) {
  sessionStorage.setItem(ASSIGNEES_KEY, JSON.stringify([...new Set(ids)].sort()));
}
export function knownAssignees() {
  try {
    return JSON.parse(sessionStorage.getItem(ASSIGNEES_KEY) ?? '[]');
  } catch {
    return [];
  }
}

/** The queue as the user left it (filters, search, sort), for the ticket view's way back. */
export function queueHash() {
  return sessionStorage.getItem(QUEUE_HASH_KEY) ?? '#/queue';
}

function matches(item, view) {
  const t = item.ticket;
  const f = view.filters;
  if (f.risk && item.risk.level !== f.risk) return false;
  if (f.priority && t.priority !== f.priority) return false;
  if (f.status && t.status !== f.status) return false;
  if (f.plan && t.plan !== f.plan) return false;
  if (f.assignee && (t.assignee ?? '(unassigned)') !== f.assignee) return false;
  const q = view.q.trim().toLowerCase().replace(/^#/, '');
  if (!q) return true;
  return [t.subject, t.requester?.email, t.requester?.name, t.id]
    .filter(Boolean)
    .some((text) => String(text).toLowerCase().includes(q));
}

function visibleItems(items, view) {
  const column = COLUMNS.find((c) => c.key === view.sort) ?? COLUMNS[8];
  const sign = view.dir === 'desc' ? -1 : 1;
  return items
    .filter((item) => matches(item, view))
    .sort((a, b) => sign * column.sort(a, b) || a.order - b.order);
}

function row(item, zone, now) {
  const t = item.ticket;
  const next = item.next;
  const selected = state.selected === t.id;
  return h(
    'tr',
    {
      class: `row-${item.risk.level}${selected ? ' selected' : ''}`,
      'data-ticket': t.id,
      'aria-current': selected ? 'true' : null,
    },
    h('td', {}, riskBadge(item.risk)),
    h('th', { scope: 'row' }, h('a', { href: `#/tickets/${t.id}` }, t.subject), ' ', idBadge(t.id)),
    h('td', { class: 'requester', title: t.requester?.email ?? null }, requesterText(t)),
    h('td', {}, t.plan),
    h('td', { class: `priority-${t.priority}` }, label(t.priority)),
    h('td', {}, label(t.status)),
    h('td', {}, h('time', { datetime: t.createdAt, title: t.createdAt }, age(t.createdAt, now))),
    h('td', {}, h('time', { datetime: t.updatedAt, title: t.updatedAt }, `${age(t.updatedAt, now)} ago`)),
    h(
      'td',
      { class: next && next.minutesLeft < 0 ? 'overdue' : '' },
      next ? minutesLeft(next.minutesLeft, next.clock) : '—',
      next ? h('span', { class: 'muted sub' }, `${label(next.metric)} · `, at(next.deadline, zone)) : null,
    ),
    h('td', {}, String(t.tier)),
    h('td', {}, t.assignee ?? h('span', { class: 'muted' }, 'unassigned')),
  );
}

/** Options of a filter: "any", then each value (ids such as plans and staff shown as they are). */
function options(values, selected, anyText, text = label) {
  const list = [...new Set([...values, ...(selected ? [selected] : [])])];
  return [
    h('option', { value: '' }, anyText),
    ...list.map((v) => h('option', { value: v, selected: v === selected }, text(v))),
  ];
}
const asIs = (v) => v;

export async function queueView(params, { onLeave, announce, rememberZone }) {
  const view = readParams(params);
  const path = `/queue?limit=${PAGE_LIMIT}`;
  let body = await apiPages(path);
  rememberZone(body.timeZone);
  let loading = false;

  const caption = h('caption', {});
  const tbody = h('tbody', {});
  const counts = h('ul', { class: 'counts', 'aria-label': 'Tickets by risk (click to filter)' });
  const updated = h('span', { class: 'muted', id: 'queue-updated' });
  const empty = h('p', { hidden: true }, 'No unresolved ticket matches.');
  const headers = COLUMNS.map((c) =>
    h(
      'th',
      { scope: 'col', 'data-sort': c.key },
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          onclick: () => {
            if (view.sort === c.key) view.dir = view.dir === 'asc' ? 'desc' : 'asc';
            else [view.sort, view.dir] = [c.key, 'asc'];
            update();
          },
        },
        c.title,
        h('span', { class: 'sort-mark', 'aria-hidden': 'true' }),
      ),
    ),
  );
  const selects = {
    risk: h('select', { id: 'filter-risk', name: 'risk' }),
    priority: h('select', { id: 'filter-priority', name: 'priority' }),
    status: h('select', { id: 'filter-status', name: 'status' }),
    plan: h('select', { id: 'filter-plan', name: 'plan' }),
    assignee: h('select', { id: 'filter-assignee', name: 'assignee' }),
  };
  const search = h('input', {
    id: 'queue-search',
    type: 'search',
    name: 'q',
    value: view.q,
    placeholder: 'subject, requester or #id (press /)',
    autocomplete: 'off',
    oninput: () => {
      view.q = search.value;
      update();
    },
  });
  for (const [name, select] of Object.entries(selects)) {
    select.addEventListener('change', () => {
      view.filters[name] = select.value;
      update();
    });
  }
  const refreshSelect = h(
    'select',
    {
      id: 'queue-refresh',
      onchange: () => {
        state.refreshSeconds = Number(refreshSelect.value);
        schedule();
        writeParams(view);
      },
    },
    REFRESH_CHOICES.map(([v, t]) =>
      h('option', { value: v, selected: Number(v) === state.refreshSeconds }, t),
    ),
  );
  const refreshNow = h('button', { type: 'button', class: 'secondary', onclick: () => refresh() }, 'Refresh');
  const field = (id, text, control) => h('div', { class: 'field' }, h('label', { for: id }, text), control);

  function fillSelects() {
    const items = body.items;
    rememberAssignees(items.map((i) => i.ticket.assignee).filter(Boolean));
    const f = view.filters;
    render(
      selects.risk,
      h('option', { value: '' }, 'Any risk'),
      RISKS.map(([v, t]) => h('option', { value: v, selected: v === f.risk }, t)),
    );
    render(selects.priority, options(Object.keys(PRIORITY_RANK), f.priority, 'Any priority'));
    render(selects.status, options(STATUSES, f.status, 'Any open status'));
    render(selects.plan, options(items.map((i) => i.ticket.plan).sort(), f.plan, 'Any plan', asIs));
    render(
      selects.assignee,
      options(
        ['(unassigned)', ...items.map((i) => i.ticket.assignee).filter(Boolean)].sort(),
        f.assignee,
        'Anyone',
        asIs,
      ),
    );
  }

  function update() {
    const zone = body.timeZone;
    const items = body.items.map((item, order) => ({ ...item, order }));
    const shown = visibleItems(items, view);
    // Keep the reader where they were: the scroll position and the focused control across the redraw.
    const scrollY = window.scrollY;
    const focused = document.activeElement;
    const focusedTicket = tbody.contains(focused) ? focused.closest('tr')?.dataset.ticket : null;
    const focusedCell = focusedTicket
      ? [...focused.closest('tr').children].indexOf(focused.closest('td, th'))
      : -1;
    render(
      tbody,
      shown.map((item) => row(item, zone, body.now)),
    );
    if (focusedTicket) {
      const cell = tbody.querySelector(`tr[data-ticket="${focusedTicket}"]`)?.children[focusedCell];
      (cell?.querySelector('a, button') ?? cell)?.focus({ preventScroll: true });
    }
    window.scrollTo(window.scrollX, scrollY);
    empty.hidden = shown.length > 0;
    const filtered = shown.length !== body.items.length;
    render(
      caption,
      `${shown.length} of ${body.total ?? body.items.length} unresolved ticket(s)`,
      filtered ? ' match the filters' : '',
      body.truncated || body.next ? ' (not every ticket was read: the queue is capped)' : '',
      `, ${COLUMNS.find((c) => c.key === view.sort)?.title.toLowerCase()} ${view.sort === 'timeLeft' && view.dir === 'asc' ? '(soonest SLA deadline first)' : view.dir === 'asc' ? 'ascending' : 'descending'}`,
    );
    for (const th of headers) {
      const key = th.dataset.sort;
      if (key === view.sort) th.setAttribute('aria-sort', view.dir === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
      th.querySelector('.sort-mark').textContent =
        key === view.sort ? (view.dir === 'asc' ? ' ▲' : ' ▼') : '';
    }
    render(
      counts,
      RISKS.map(([level, text]) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'count-filter',
              'aria-pressed': view.filters.risk === level ? 'true' : 'false',
              onclick: () => {
                view.filters.risk = view.filters.risk === level ? '' : level;
                selects.risk.value = view.filters.risk;
                update();
              },
            },
            riskBadge({ level, label: text, reason: '' }),
            h('span', { class: 'count' }, ` ${body.counts?.[level] ?? 0}`),
          ),
        ),
      ),
    );
    render(updated, 'Updated ', at(body.now, zone));
    writeParams(view);
  }

  async function refresh() {
    if (loading) return;
    loading = true;
    try {
      body = await apiPages(path);
      fillSelects();
      update();
    } catch (error) {
      announce(`The queue could not be refreshed: ${error.message}`);
    } finally {
      loading = false;
    }
  }

  let timer = null;
  function schedule() {
    clearInterval(timer);
    timer = state.refreshSeconds
      ? setInterval(() => {
          if (!document.hidden) refresh();
        }, state.refreshSeconds * 1000)
      : null;
  }
  onLeave(() => clearInterval(timer));
  schedule();

  // "/" jumps to the search from anywhere on the queue (not while typing in a field).
  const slash = (event) => {
    if (event.key !== '/' || event.target.closest?.('input, textarea, select')) return;
    event.preventDefault();
    search.focus();
  };
  document.addEventListener('keydown', slash);
  onLeave(() => document.removeEventListener('keydown', slash));

  // A click on a row (or focus on its link) selects it; the selection survives refreshes and visits.
  tbody.addEventListener('click', (event) => {
    const tr = event.target.closest('tr[data-ticket]');
    if (!tr) return;
    select(tr.dataset.ticket);
  });
  tbody.addEventListener('focusin', (event) => {
    const tr = event.target.closest('tr[data-ticket]');
    if (tr) select(tr.dataset.ticket);
  });
  function select(id) {
    if (state.selected === id) return;
    state.selected = id;
    for (const tr of tbody.querySelectorAll('tr[data-ticket]')) {
      const on = tr.dataset.ticket === id;
      tr.classList.toggle('selected', on);
      if (on) tr.setAttribute('aria-current', 'true');
      else tr.removeAttribute('aria-current');
    }
  }

  fillSelects();
  update();
  const table = h('table', { class: 'queue' }, caption, h('thead', {}, h('tr', {}, headers)), tbody);
  const zone = body.timeZone;
  return {
    nodes: [
      h('h1', { tabindex: '-1' }, `Queue — ${body.desk}`),
      h(
        'p',
        { class: 'muted' },
        `Times in the desk's zone, ${zone} (${offsetOf(new Date(body.now), zone)}). Time left is counted on each target's own clock.`,
      ),
      counts,
      h(
        'form',
        {
          class: 'filters',
          'aria-label': 'Filter and search the queue',
          onsubmit: (e) => e.preventDefault(),
        },
        field('queue-search', 'Search', search),
        field('filter-risk', 'Risk', selects.risk),
        field('filter-priority', 'Priority', selects.priority),
        field('filter-status', 'Status', selects.status),
        field('filter-plan', 'Plan', selects.plan),
        field('filter-assignee', 'Assignee', selects.assignee),
        h(
          'div',
          { class: 'refresh' },
          field('queue-refresh', 'Auto-refresh', refreshSelect),
          refreshNow,
          updated,
        ),
      ),
      h('div', { class: 'table-wrap' }, table),
      empty,
    ],
    // Coming back from a ticket: the row it was opened from is in view (no scroll when it already is).
    afterRender: () => {
      const selectedRow = state.selected && tbody.querySelector(`tr[data-ticket="${state.selected}"]`);
      selectedRow?.scrollIntoView({ block: 'nearest' });
    },
  };
}
