import { ApiError, api } from '../api.js';
import { h, render } from '../dom.js';
import {
  age,
  at,
  clockTime,
  duration,
  idBadge,
  label,
  minutesLeft,
  readable,
  shortExecutionName,
} from '../format.js';
import { permissionsOf } from '../roles.js';
import { knownAssignees, queueHash } from './queue.js';

/**
 * One ticket as an agent works it: the conversation first (with the reply box), the SLA clocks and the
 * ticket's fields beside it, the SLA timeline and the workflow's execution history one tab away (the
 * history is read only when its tab opens). Changes go through the ticket routes: PATCH with If-Match
 * (the ETag read with the ticket), so a change made meanwhile by someone else is refused with 412 and
 * shown with a reload, never overwritten.
 */
const LOG_ICONS = {
  activated: '▶',
  paused: '❚❚',
  resumed: '▶',
  fulfilled: '✔',
  warned: '▲',
  breached: '✖',
  escalated: '⬆',
  recalculated: '↻',
  cancelled: '–',
  'notice-due': '✉',
};
const TABS = [
  ['conversation', 'Conversation'],
  ['timeline', 'SLA timeline'],
  ['history', 'Execution history'],
];
const STATUSES = ['new', 'open', 'pending', 'on-hold', 'solved', 'closed'];
const PRIORITIES = ['urgent', 'high', 'normal', 'low'];

function facts(ticket, zone, now) {
  const rows = [
    ['Status', label(ticket.status)],
    ['Priority', label(ticket.priority)],
    [
      'Requester',
      ticket.requester?.name
        ? `${ticket.requester.name} <${ticket.requester.email}>`
        : ticket.requester?.email,
    ],
    ['Plan', ticket.plan],
    ['Channel', ticket.channel],
    ['Tier', String(ticket.tier)],
    ['Assignee', ticket.assignee ?? 'unassigned'],
    ['Opened', [at(ticket.createdAt, zone), ` (${age(ticket.createdAt, now)} ago)`]],
    ['Last update', [at(ticket.updatedAt, zone), ` (${age(ticket.updatedAt, now)} ago)`]],
  ];
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
  );
}

function clocksList(sla, zone) {
  if (!sla.metrics.length) return h('p', {}, 'No SLA target applies to this ticket.');
  return h(
    'ul',
    { class: 'clocks', 'aria-label': `SLA clocks under ${sla.pack ?? 'no pack'}` },
    sla.metrics.map((m) => {
      const left = m.open && m.deadline ? m.targetMinutes - m.elapsedMinutes : null;
      return h(
        'li',
        { class: `clock state-${m.state}` },
        h(
          'p',
          { class: 'clock-head' },
          h('strong', {}, `${label(m.metric)} #${m.cycle}`),
          ` · ${label(m.state)}`,
        ),
        h(
          'p',
          { class: left !== null && left < 0 ? 'overdue' : '' },
          left === null ? '' : minutesLeft(left, m.clock),
        ),
        h('p', { class: 'muted' }, `target ${m.targetMinutes} ${m.clock} min · due `, at(m.deadline, zone)),
        h('p', { class: 'muted mono' }, m.rule),
      );
    }),
  );
}

/** The SLA metric event log as a timeline: which rule fired when. */
function timeline(sla, zone) {
  if (!sla.log.length) return h('p', {}, 'Nothing has happened on the SLA clocks yet.');
  const applied = new Map();
  for (const action of sla.applied) applied.set(`${action.at}|${action.metric ?? ''}|${action.kind}`, action);
  const kindOf = { warned: 'warn', breached: 'breach', escalated: 'escalate' };
  return h(
    'ol',
    { class: 'timeline', 'aria-label': 'SLA metric event log, oldest first' },
    sla.log.map((entry) => {
      const action = applied.get(`${entry.at}|${entry.metric ?? ''}|${kindOf[entry.type] ?? ''}`);
      return h(
        'li',
        { class: `event event-${entry.type}` },
        h('span', { class: 'event-icon', 'aria-hidden': 'true' }, LOG_ICONS[entry.type] ?? '•'),
        h(
          'div',
          { class: 'event-body' },
          h(
            'p',
            { class: 'event-head' },
            at(entry.at, zone),
            ' ',
            h('strong', {}, label(entry.type)),
            entry.metric ? ` · ${label(entry.metric)}` : '',
          ),
          h('p', {}, readable(entry.detail, zone)),
          h(
            'p',
            { class: 'muted' },
            `Rule ${entry.rule}`,
            action
              ? [
                  ' · applied by the workflow at ',
                  at(action.appliedAt, zone),
                  action.notice ? ` (notice ${action.notice.template} to ${action.notice.audience})` : '',
                ]
              : '',
          ),
        ),
      );
    }),
  );
}

function stepItem(step, zone, withData) {
  const details = [];
  if (withData && (step.input !== undefined || step.output !== undefined)) {
    details.push(
      h(
        'details',
        { class: 'io' },
        h('summary', {}, `Input and output of step ${step.n}`),
        step.input !== undefined ? [h('h4', {}, 'Input'), h('pre', {}, pretty(step.input))] : null,
        step.output !== undefined ? [h('h4', {}, 'Output'), h('pre', {}, pretty(step.output))] : null,
      ),
    );
  }
  return h(
    'li',
    { class: `step step-${step.outcome} kind-${step.kind.toLowerCase()}` },
    h(
      'p',
      { class: 'step-head' },
      h('span', { class: 'step-n' }, `${step.n}.`),
      ' ',
      h('strong', {}, step.name),
      h('span', { class: 'muted' }, ` (${step.kind}) — ${label(step.outcome)}`),
    ),
    h(
      'p',
      { class: 'step-times muted' },
      'Entered ',
      clockTime(step.enteredAt, zone),
      step.exitedAt
        ? [', left ', clockTime(step.exitedAt, zone), ` after ${duration(step.durationMs)}`]
        : ', still in this step',
      step.sincePreviousMs !== null ? ` · ${duration(step.sincePreviousMs)} after the previous step` : '',
    ),
    step.summary.length
      ? h(
          'ul',
          { class: 'step-summary' },
          step.summary.map((line) => h('li', {}, readable(line, zone))),
        )
      : null,
    step.attempts.length
      ? h(
          'ul',
          { class: 'step-attempts' },
          step.attempts.map((a) =>
            h(
              'li',
              {},
              'Failed attempt at ',
              clockTime(a.at, zone),
              `: ${a.error} `,
              readable(a.cause, zone),
            ),
          ),
        )
      : null,
    details,
  );
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function executions(history, withData) {
  if (!history.executions.length) return h('p', {}, 'No workflow execution yet.');
  const zone = history.timeZone;
  return history.executions.map((execution) =>
    h(
      'section',
      { class: 'execution', 'aria-label': `Execution ${shortExecutionName(execution.name)}` },
      h(
        'h3',
        {},
        h('span', { title: execution.name }, `Execution ${shortExecutionName(execution.name)}`),
        ` — ${label(execution.status.toLowerCase())}`,
        execution.consoleUrl
          ? [
              ' ',
              h(
                'a',
                { href: execution.consoleUrl, target: '_blank', rel: 'noopener' },
                'Open in the AWS console',
              ),
            ]
          : '',
      ),
      h(
        'p',
        { class: 'muted' },
        'Started ',
        at(execution.startedAt, zone),
        execution.stoppedAt ? [', stopped ', at(execution.stoppedAt, zone)] : '',
        execution.truncated ? ' · older steps not shown (long history)' : '',
      ),
      h(
        'ol',
        { class: 'steps' },
        execution.steps.map((step) => stepItem(step, zone, withData)),
      ),
    ),
  );
}

function authorOf(m, ticket) {
  if (m.author.role === 'customer') return ticket.requester?.name ?? ticket.requester?.email ?? 'Customer';
  if (m.author.role === 'agent') return m.author.id;
  return label(m.author.role);
}

function messages(ticket, zone) {
  if (!ticket.messages.length) return h('p', {}, 'No messages.');
  return h(
    'ol',
    { class: 'messages' },
    ticket.messages.map((m) =>
      h(
        'li',
        { class: `message message-${m.visibility} from-${m.author.role}` },
        h(
          'p',
          { class: 'message-head' },
          h('strong', {}, authorOf(m, ticket)),
          ` · ${m.visibility === 'internal' ? 'internal note' : m.author.role === 'customer' ? 'customer' : 'public reply'} · `,
          at(m.createdAt, zone),
        ),
        h('p', { class: 'message-body' }, m.body),
      ),
    ),
  );
}

const newKey = () =>
  globalThis.crypto?.randomUUID?.() ?? `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

export async function ticketView(id, params, { announce, reload, role, me, rememberZone }) {
  const path = `/tickets/${encodeURIComponent(id)}`;
  const [{ body: ticket, etag }, { body: sla }] = await Promise.all([api(path), api(`${path}/sla`)]);
  const zone = sla.timeZone ?? 'UTC';
  rememberZone(zone);
  const can = permissionsOf(role);
  let tab = TABS.some(([k]) => k === params.get('tab')) ? params.get('tab') : 'conversation';

  // The execution history: read when its tab first opens (it is the slowest read of the page).
  const historyBox = h(
    'div',
    { id: 'history' },
    h('p', { class: 'muted' }, 'Loading the execution history…'),
  );
  let historyLoaded = false;
  async function loadHistory() {
    if (historyLoaded) return;
    historyLoaded = true;
    try {
      const history = (await api(`${path}/history`)).body;
      render(historyBox, h('p', {}, loadData), executions(history, false));
    } catch (error) {
      historyLoaded = false;
      render(historyBox, h('p', { class: 'problem' }, `The history could not be read: ${error.message}`));
    }
  }
  const loadData = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        loadData.disabled = true;
        const withData = (await api(`${path}/history?includeData=true`)).body;
        render(historyBox, h('p', {}, loadData), executions(withData, true));
        loadData.textContent = 'Inputs and outputs shown below each step';
      },
    },
    'Show inputs and outputs',
  );

  // What went wrong with an action, next to the action: a conflict offers the reload.
  const problemBox = h('div', { class: 'action-problem', role: 'alert' });
  const showProblem = (error, what) => {
    if (error instanceof ApiError && error.conflict) {
      render(
        problemBox,
        h(
          'p',
          {},
          h('strong', {}, 'Someone else changed this ticket since you opened it.'),
          ` ${what} was not saved.`,
        ),
        h('p', {}, 'Reload to see the current ticket, then make your change again.'),
        h('button', { type: 'button', onclick: () => reload() }, 'Reload the ticket'),
      );
    } else {
      render(
        problemBox,
        h(
          'p',
          {},
          h('strong', {}, `${what} was refused`),
          `: ${error instanceof ApiError ? `${error.status} ${error.explanation}` : String(error)}`,
        ),
      );
    }
  };

  async function patch(change, what) {
    render(problemBox);
    try {
      await api(path, { method: 'PATCH', headers: { 'if-match': etag }, json: change });
      announce(`${what}.`);
      reload();
    } catch (error) {
      showProblem(error, what);
    }
  }

  const actions = can.changeTicket ? actionsPanel() : null;
  function actionsPanel() {
    const statusSelect = h(
      'select',
      { id: 'action-status', name: 'status' },
      STATUSES.map((s) => h('option', { value: s, selected: s === ticket.status }, label(s))),
    );
    const current = PRIORITIES.indexOf(ticket.priority);
    const prioritySelect = h(
      'select',
      { id: 'action-priority', name: 'priority' },
      PRIORITIES.map((p, i) =>
        h(
          'option',
          { value: p, selected: p === ticket.priority, disabled: i > current && !can.lowerPriority },
          i > current && !can.lowerPriority ? `${label(p)} (needs a lead)` : label(p),
        ),
      ),
    );
    const assigneeInput = h('input', {
      id: 'action-assignee',
      name: 'assignee',
      value: ticket.assignee ?? '',
      placeholder: 'staff id, empty to unassign',
      autocomplete: 'off',
      list: 'assignee-choices',
    });
    const choices = h(
      'datalist',
      { id: 'assignee-choices' },
      [...new Set([ticket.assignee, me, ...knownAssignees()].filter(Boolean))].map((v) =>
        h('option', { value: v }),
      ),
    );
    const field = (id, text, control) => h('div', { class: 'field' }, h('label', { for: id }, text), control);
    const form = (name, onsubmit, ...children) =>
      h(
        'form',
        {
          class: 'action',
          'aria-label': name,
          onsubmit: (event) => {
            event.preventDefault();
            onsubmit();
          },
        },
        children,
      );
    /** A form that sets one field of the ticket from its select ("Status changed to on hold"). */
    const setter = (name, title, select) =>
      form(
        `Change the ${name}`,
        () =>
          select.value !== ticket[name] &&
          patch({ [name]: select.value }, `${title} changed to ${label(select.value)}`),
        field(`action-${name}`, title, select),
        h('button', { type: 'submit' }, `Set ${name}`),
      );
    return h(
      'section',
      { class: 'panel actions', 'aria-labelledby': 'actions-title' },
      h('h2', { id: 'actions-title' }, 'Change the ticket'),
      setter('status', 'Status', statusSelect),
      setter('priority', 'Priority', prioritySelect),
      form(
        'Assign the ticket',
        () => {
          const value = assigneeInput.value.trim() || null;
          if (value !== ticket.assignee)
            patch({ assignee: value }, value ? `Assigned to ${value}` : 'Unassigned');
        },
        field('action-assignee', 'Assignee', assigneeInput),
        choices,
        h('button', { type: 'submit' }, 'Assign'),
        me && me !== ticket.assignee
          ? h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () => patch({ assignee: me }, `Assigned to ${me}`),
              },
              'Assign to me',
            )
          : null,
      ),
      h('p', { class: 'muted small' }, `Changes are sent for version ${ticket.version} of the ticket.`),
    );
  }

  // The reply box under the conversation; the draft survives a refused send.
  let replyKey = newKey();
  const replyForm = can.reply
    ? (() => {
        const text = h('textarea', {
          id: 'reply-body',
          name: 'body',
          rows: 4,
          required: true,
          maxlength: 20000,
        });
        const internal = h('input', { type: 'checkbox', id: 'reply-internal', name: 'internal' });
        const minutes = h('input', {
          type: 'number',
          id: 'reply-minutes',
          name: 'minutes',
          min: 1,
          max: 1440,
          inputmode: 'numeric',
        });
        const send = h('button', { type: 'submit' }, 'Send');
        return h(
          'form',
          {
            class: 'reply',
            'aria-labelledby': 'reply-title',
            onsubmit: async (event) => {
              event.preventDefault();
              render(problemBox);
              send.disabled = true;
              const spent = Number(minutes.value);
              try {
                await api(`${path}/messages`, {
                  method: 'POST',
                  headers: { 'idempotency-key': replyKey },
                  json: {
                    body: text.value,
                    visibility: internal.checked ? 'internal' : 'public',
                    ...(spent > 0 ? { timeSpentSeconds: Math.round(spent * 60) } : {}),
                  },
                });
                replyKey = newKey();
                announce(internal.checked ? 'Internal note added.' : 'Reply sent.');
                reload();
              } catch (error) {
                send.disabled = false;
                showProblem(error, internal.checked ? 'The note' : 'The reply');
              }
            },
          },
          h('h3', { id: 'reply-title' }, 'Reply'),
          h('label', { for: 'reply-body' }, 'Message'),
          text,
          h(
            'div',
            { class: 'row' },
            h(
              'div',
              { class: 'check' },
              internal,
              h('label', { for: 'reply-internal' }, 'Internal note (the customer does not see it)'),
            ),
            h(
              'div',
              { class: 'field inline' },
              h('label', { for: 'reply-minutes' }, 'Minutes spent'),
              minutes,
            ),
            send,
          ),
        );
      })()
    : null;

  const panels = {
    conversation: h(
      'div',
      {},
      h('h2', { class: 'visually-hidden' }, `Conversation (${ticket.messages.length} messages)`),
      messages(ticket, zone),
      replyForm,
    ),
    timeline: h(
      'div',
      {},
      h('h2', { class: 'visually-hidden' }, 'SLA timeline: which rule fired when'),
      timeline(sla, zone),
    ),
    history: h(
      'div',
      {},
      h('h2', { class: 'visually-hidden' }, 'What the workflow did (Step Functions execution history)'),
      historyBox,
    ),
  };
  const tabButtons = TABS.map(([key, text]) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${key}`,
        'aria-controls': `panel-${key}`,
        onclick: () => show(key, true),
        onkeydown: (event) => {
          const i = TABS.findIndex(([k]) => k === key);
          const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
          if (!step) return;
          event.preventDefault();
          show(TABS[(i + step + TABS.length) % TABS.length][0], true);
        },
      },
      key === 'conversation' ? `${text} (${ticket.messages.length})` : text,
    ),
  );
  const panelBoxes = TABS.map(([key]) =>
    h(
      'div',
      {
        role: 'tabpanel',
        id: `panel-${key}`,
        'aria-labelledby': `tab-${key}`,
        tabindex: '0',
        class: 'tabpanel',
      },
      panels[key],
    ),
  );
  function show(key, focus) {
    tab = key;
    TABS.forEach(([k], i) => {
      const selected = k === key;
      tabButtons[i].setAttribute('aria-selected', String(selected));
      tabButtons[i].tabIndex = selected ? 0 : -1;
      panelBoxes[i].hidden = !selected;
      if (selected && focus) tabButtons[i].focus();
    });
    if (key === 'history') loadHistory();
    const hash = `#/tickets/${encodeURIComponent(id)}${key === 'conversation' ? '' : `?tab=${key}`}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }
  show(tab, false);

  return [
    h('p', {}, h('a', { href: queueHash() }, '← Back to the queue')),
    h('div', { class: 'title-row' }, h('h1', { tabindex: '-1' }, ticket.subject), idBadge(ticket.id)),
    facts(ticket, zone, sla.now),
    problemBox,
    h(
      'div',
      { class: 'ticket-layout' },
      h(
        'div',
        { class: 'ticket-main' },
        h('div', { role: 'tablist', 'aria-label': 'Ticket views' }, tabButtons),
        panelBoxes,
      ),
      h(
        'aside',
        { class: 'ticket-side', 'aria-label': 'SLA clocks and actions' },
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'clocks-title' },
          h('h2', { id: 'clocks-title' }, 'SLA clocks'),
          h('p', { class: 'muted small' }, 'As of ', at(sla.now, zone)),
          clocksList(sla, zone),
        ),
        actions,
      ),
    ),
  ];
}
