import { api } from '../api.js';
import { h } from '../dom.js';
import { at, label, shortId } from '../format.js';
import { permissionsOf } from '../roles.js';

const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'];
const IMPACTS = ['none', 'minor', 'major', 'critical'];
const REVIEW_TEXT = {
  'not-due': 'Review due after resolution',
  due: 'Review due',
  overdue: 'Review overdue',
  late: 'Review late (past the outer bound)',
  completed: 'Review completed',
};

function field(id, text, control) {
  return h('div', { class: 'field' }, h('label', { for: id }, text), control);
}

function options(values, selected) {
  return values.map((v) => h('option', { value: v, selected: v === selected }, label(v)));
}

function createForm(onDone) {
  return h(
    'form',
    {
      class: 'incident-form',
      'aria-labelledby': 'new-incident-title',
      onsubmit: async (event) => {
        event.preventDefault();
        const form = new FormData(event.target);
        const ticketIds = String(form.get('ticketIds') ?? '')
          .split(/[\s,]+/)
          .filter(Boolean);
        await api('/incidents', {
          method: 'POST',
          json: {
            title: form.get('title'),
            impact: form.get('impact'),
            message: form.get('message'),
            ...(ticketIds.length ? { ticketIds } : {}),
          },
        });
        onDone('Incident published on the status feeds.');
      },
    },
    h('h2', { id: 'new-incident-title' }, 'Open an incident'),
    field(
      'title',
      'Title (public)',
      h('input', { id: 'title', name: 'title', required: true, maxlength: 200 }),
    ),
    field('impact', 'Impact', h('select', { id: 'impact', name: 'impact' }, options(IMPACTS, 'minor'))),
    field(
      'message',
      'First update (public)',
      h('textarea', { id: 'message', name: 'message', required: true, rows: 2, maxlength: 5000 }),
    ),
    field(
      'ticketIds',
      'Linked ticket ids (internal; separated by spaces or commas)',
      h('input', { id: 'ticketIds', name: 'ticketIds' }),
    ),
    h('button', { type: 'submit' }, 'Publish incident'),
  );
}

function updateForm(incident, onDone) {
  const prefix = `inc-${incident.id}`;
  return h(
    'form',
    {
      class: 'incident-update',
      'aria-label': `Update ${incident.title}`,
      onsubmit: async (event) => {
        event.preventDefault();
        const form = new FormData(event.target);
        const status = String(form.get('status'));
        await api(`/incidents/${incident.id}`, {
          method: 'PATCH',
          headers: { 'if-match': `"${incident.version}"` },
          json: { ...(status !== incident.status ? { status } : {}), message: form.get('message') },
        });
        onDone('Update published.');
      },
    },
    field(
      `${prefix}-status`,
      'Status',
      h('select', { id: `${prefix}-status`, name: 'status' }, options(STATUSES, incident.status)),
    ),
    field(
      `${prefix}-message`,
      'Public update',
      h('textarea', { id: `${prefix}-message`, name: 'message', required: true, rows: 2, maxlength: 5000 }),
    ),
    h('button', { type: 'submit' }, 'Publish update'),
  );
}

function reviewBlock(incident, zone, onDone) {
  const r = incident.review;
  const state = incident.reviewState;
  return h(
    'div',
    { class: `review review-${state}` },
    h(
      'p',
      {},
      h('strong', {}, REVIEW_TEXT[state]),
      r.dueAt ? [' · due ', at(r.dueAt, zone)] : '',
      r.latestAt && r.latestAt !== r.dueAt ? [', late after ', at(r.latestAt, zone)] : '',
      r.completedAt ? [' · completed ', at(r.completedAt, zone)] : '',
    ),
    h('p', { class: 'muted source' }, r.policy),
    onDone && incident.status === 'resolved' && !r.completedAt
      ? h(
          'button',
          {
            type: 'button',
            onclick: async () => {
              await api(`/incidents/${incident.id}`, {
                method: 'PATCH',
                headers: { 'if-match': `"${incident.version}"` },
                json: { review: { completed: true } },
              });
              onDone('Post-incident review marked as completed.');
            },
          },
          'Mark the review completed',
        )
      : null,
  );
}

export async function incidentsView(_params, { reload, announce, role, rememberZone }) {
  // Agents read incidents; publishing them is for supervisors (the API refuses agents).
  const publish = permissionsOf(role).publishIncidents;
  const { body } = await api('/incidents?limit=50');
  const zone = body.timeZone;
  rememberZone(zone);
  const done = (message) => {
    announce(message);
    reload();
  };
  const feeds = `/desks/${encodeURIComponent(body.desk)}/status`;
  return [
    h('h1', { tabindex: '-1' }, `Incidents — ${body.desk}`),
    h(
      'p',
      {},
      'Public feeds: ',
      h('a', { href: `${feeds}.json` }, 'status.json'),
      ' · ',
      h('a', { href: `${feeds}.rss` }, 'status.rss'),
    ),
    publish ? createForm(done) : h('p', { class: 'muted' }, 'Leads, managers and ops publish incidents.'),
    h('h2', {}, 'Recent incidents'),
    body.items.length
      ? h(
          'ol',
          { class: 'incidents' },
          body.items.map((incident) =>
            h(
              'li',
              { class: `incident incident-${incident.status}` },
              h('h3', {}, incident.title),
              h(
                'p',
                {},
                `${label(incident.status)} · impact ${incident.impact} · opened `,
                at(incident.createdAt, zone),
                incident.resolvedAt ? [' · resolved ', at(incident.resolvedAt, zone)] : '',
              ),
              incident.ticketIds.length
                ? h(
                    'p',
                    {},
                    'Linked tickets: ',
                    incident.ticketIds.map((id, i) => [
                      i ? ', ' : '',
                      h('a', { href: `#/tickets/${id}`, title: id }, `#${shortId(id)}`),
                    ]),
                  )
                : null,
              h(
                'ol',
                { class: 'updates', reversed: true },
                [...incident.updates]
                  .reverse()
                  .map((u) =>
                    h('li', {}, h('strong', {}, label(u.status)), ' ', at(u.at, zone), `: ${u.message}`),
                  ),
              ),
              reviewBlock(incident, zone, publish ? done : null),
              publish ? updateForm(incident, done) : null,
            ),
          ),
        )
      : h('p', {}, 'No incidents.'),
  ];
}
