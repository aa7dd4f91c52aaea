import { api } from '../api.js';
import { h, render } from '../dom.js';
import { at, clockTime, duration, label, minutesLeft } from '../format.js';

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

function facts(ticket) {
  const rows = [
    ['Ticket', ticket.id],
    ['Status', label(ticket.status)],
    ['Priority', label(ticket.priority)],
    ['Plan', ticket.plan],
    ['Channel', ticket.channel],
    ['Tier', String(ticket.tier)],
    ['Assignee', ticket.assignee ?? 'unassigned'],
  ];
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function clocksTable(sla, zone) {
  if (!sla.metrics.length) return h('p', {}, 'No SLA target applies to this ticket.');
  return h(
    'table',
    { class: 'clocks' },
    h('caption', {}, `Clocks under ${sla.pack ?? 'no pack'} as of ${at(sla.now, zone)}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Metric', 'State', 'Target', 'Deadline', 'Time left', 'Rule'].map((c) =>
          h('th', { scope: 'col' }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      sla.metrics.map((m) => {
        const left = m.open && m.deadline ? m.targetMinutes - m.elapsedMinutes : null;
        return h(
          'tr',
          { class: `state-${m.state}` },
          h('th', { scope: 'row' }, `${label(m.metric)} #${m.cycle}`),
          h('td', {}, label(m.state)),
          h('td', {}, `${m.targetMinutes} ${m.clock} min`),
          h('td', {}, at(m.deadline, zone)),
          h('td', {}, left === null ? '—' : minutesLeft(left, m.clock)),
          h('td', { class: 'mono' }, m.rule),
        );
      }),
    ),
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
            h('time', { datetime: entry.at }, at(entry.at, zone)),
            ' ',
            h('strong', {}, label(entry.type)),
            entry.metric ? ` · ${label(entry.metric)}` : '',
          ),
          h('p', {}, entry.detail),
          h(
            'p',
            { class: 'muted' },
            `Rule ${entry.rule}`,
            action
              ? ` · applied by the workflow at ${at(action.appliedAt, zone)}${action.notice ? ` (notice ${action.notice.template} to ${action.notice.audience})` : ''}`
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
      `Entered ${clockTime(step.enteredAt, zone)}`,
      step.exitedAt
        ? `, left ${clockTime(step.exitedAt, zone)} after ${duration(step.durationMs)}`
        : ', still in this step',
      step.sincePreviousMs !== null ? ` · ${duration(step.sincePreviousMs)} after the previous step` : '',
    ),
    step.summary.length
      ? h(
          'ul',
          { class: 'step-summary' },
          step.summary.map((line) => h('li', {}, line)),
        )
      : null,
    step.attempts.length
      ? h(
          'ul',
          { class: 'step-attempts' },
          step.attempts.map((a) =>
            h('li', {}, `Failed attempt at ${clockTime(a.at, zone)}: ${a.error} ${a.cause}`),
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
  return history.executions.map((execution) =>
    h(
      'section',
      { class: 'execution', 'aria-label': `Execution ${execution.name}` },
      h(
        'h3',
        {},
        `Execution ${execution.name} — ${label(execution.status.toLowerCase())}`,
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
        `Started ${at(execution.startedAt, history.timeZone)}`,
        execution.stoppedAt ? `, stopped ${at(execution.stoppedAt, history.timeZone)}` : '',
        execution.truncated ? ' · older steps not shown (long history)' : '',
      ),
      h(
        'ol',
        { class: 'steps' },
        execution.steps.map((step) => stepItem(step, history.timeZone, withData)),
      ),
    ),
  );
}

function messages(ticket, zone) {
  return h(
    'ol',
    { class: 'messages' },
    ticket.messages.map((m) =>
      h(
        'li',
        { class: `message message-${m.visibility}` },
        h(
          'p',
          { class: 'message-head' },
          h('strong', {}, m.author.role === 'agent' ? `Agent ${m.author.id}` : label(m.author.role)),
          ` · ${m.visibility === 'internal' ? 'internal note' : 'public'} · `,
          h('time', { datetime: m.createdAt }, at(m.createdAt, zone)),
        ),
        h('p', { class: 'message-body' }, m.body),
      ),
    ),
  );
}

export async function ticketView(id) {
  const path = `/tickets/${encodeURIComponent(id)}`;
  const [ticket, sla, history] = await Promise.all([
    api(path).then((r) => r.body),
    api(`${path}/sla`).then((r) => r.body),
    api(`${path}/history`).then((r) => r.body),
  ]);
  const zone = history.timeZone;
  const historyBox = h('div', { id: 'history' }, executions(history, false));
  const loadData = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        loadData.disabled = true;
        const withData = (await api(`${path}/history?includeData=true`)).body;
        render(historyBox, executions(withData, true));
        loadData.textContent = 'Inputs and outputs shown below each step';
      },
    },
    'Show inputs and outputs',
  );
  return [
    h('p', {}, h('a', { href: '#/queue' }, '← Back to the queue')),
    h('h1', { tabindex: '-1' }, ticket.subject),
    facts(ticket),
    h(
      'section',
      { 'aria-labelledby': 'clocks-title' },
      h('h2', { id: 'clocks-title' }, 'SLA clocks'),
      clocksTable(sla, zone),
    ),
    h(
      'section',
      { 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'SLA timeline: which rule fired when'),
      timeline(sla, zone),
    ),
    h(
      'section',
      { 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'What the workflow did (Step Functions execution history)'),
      h('p', {}, loadData),
      historyBox,
    ),
    h(
      'section',
      { 'aria-labelledby': 'messages-title' },
      h('h2', { id: 'messages-title' }, `Messages (${ticket.messages.length})`),
      messages(ticket, zone),
    ),
  ];
}
