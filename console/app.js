/**
 * The ops console: a hash-routed page over the tierdesk API. No build step: ES modules served as
 * they are, the same files locally (the local stack at /ops) and on AWS (S3 + CloudFront at /ops).
 */
import { ApiError, claims, localStack, localToken, setToken, token } from './api.js';
import { h, render } from './dom.js';
import { at } from './format.js';
import { permissionsOf } from './roles.js';
import { incidentsView } from './views/incidents.js';
import { kpisView } from './views/kpis.js';
import { queueView } from './views/queue.js';
import { ticketView } from './views/ticket.js';

const main = document.getElementById('main');
const statusBox = document.getElementById('status');
const alertBox = document.getElementById('alert');
const signin = document.getElementById('signin');
const who = document.getElementById('who');
const clockBox = document.getElementById('clock');
const ZONE_KEY = 'tierdesk.ops.zone';

const navigate = (hash) => {
  if (location.hash === hash) route();
  else location.hash = hash;
};

/** A confirmation ("Signed in…", "Reply sent") shows until the next view or for a few seconds. */
let statusTimer = null;
const announce = (message) => {
  statusBox.textContent = message;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    statusBox.textContent = '';
  }, 8000);
};

/** The desk's zone, remembered from the last view that named it (for the footer's clock). */
const rememberZone = (zone) => {
  if (zone) sessionStorage.setItem(ZONE_KEY, zone);
  showClock();
};

function showWho() {
  const c = claims();
  for (const link of document.querySelectorAll('[data-nav]')) {
    const allowed = c ? permissionsOf(c.role).views[link.dataset.nav] : false;
    link.closest('li').hidden = !allowed;
  }
  if (!c) {
    render(who, 'Not signed in');
    return;
  }
  render(
    who,
    `${c.role} on desk ${c.desk}`,
    ' ',
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: () => {
          setToken(null);
          sessionStorage.removeItem(ZONE_KEY);
          showWho();
          route();
        },
      },
      'Sign out',
    ),
  );
}

async function showClock() {
  const local = await localStack();
  if (!local) return;
  document.getElementById('local-token-form').hidden = false;
  const zone = (token() && sessionStorage.getItem(ZONE_KEY)) || 'UTC';
  render(clockBox, 'Local stack · virtual clock ', at(local.now, zone));
}

function currentRoute() {
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  return { parts: (path || '/queue').split('/').filter(Boolean), params: new URLSearchParams(query ?? '') };
}

const VIEW_NAMES = { queue: 'the queue', tickets: 'tickets', kpis: 'the KPIs', incidents: 'incidents' };

let routing = 0;
const leaving = [];
// The first view does not take focus: a keyboard user starts at the skip link, as on any page.
let firstView = true;
async function route() {
  const mine = ++routing;
  for (const stop of leaving.splice(0)) stop();
  alertBox.textContent = '';
  const { parts, params } = currentRoute();
  const name = ['tickets', 'kpis', 'incidents'].includes(parts[0]) ? parts[0] : 'queue';
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const c = claims();
  if (!token() || !c) {
    signin.hidden = false;
    render(main, h('h1', { tabindex: '-1' }, 'Sign in to see the queue'));
    return;
  }
  signin.hidden = true;
  // The API would refuse this view for the role: say so instead of asking it.
  if (!permissionsOf(c.role).views[name]) {
    render(
      main,
      h('h1', { tabindex: '-1' }, 'Not available for your role'),
      h('p', {}, `A ${c.role} cannot see ${VIEW_NAMES[name]}.`),
      permissionsOf(c.role).views.queue ? h('p', {}, h('a', { href: '#/queue' }, 'Go to the queue')) : null,
    );
    return;
  }
  render(main, h('p', { class: 'muted loading' }, 'Loading…'));
  const context = {
    navigate,
    reload: route,
    announce,
    role: c.role,
    me: c.sub,
    rememberZone,
    onLeave: (stop) => leaving.push(stop),
  };
  try {
    let content;
    if (name === 'tickets' && parts[1])
      content = await ticketView(decodeURIComponent(parts[1]), params, context);
    else if (name === 'kpis') content = await kpisView(params, context);
    else if (name === 'incidents') content = await incidentsView(params, context);
    else content = await queueView(params, context);
    if (mine !== routing) return;
    const view = Array.isArray(content) ? { nodes: content } : content;
    render(main, view.nodes);
    view.afterRender?.();
    if (!firstView) main.querySelector('h1')?.focus({ preventScroll: name === 'queue' });
    firstView = false;
  } catch (error) {
    if (mine !== routing) return;
    render(main, h('h1', { tabindex: '-1' }, 'Could not load this view'));
    if (error instanceof ApiError) {
      alertBox.textContent = `${error.status}: ${error.explanation}`;
      if (error.status === 401) {
        setToken(null);
        showWho();
        signin.hidden = false;
      }
    } else {
      alertBox.textContent = String(error);
    }
  }
}

document.getElementById('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('token-input');
  setToken(input.value);
  input.value = '';
  showWho();
  route();
});

document.getElementById('local-token-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const desk = document.getElementById('local-desk').value;
  const role = document.getElementById('local-role').value;
  setToken(await localToken(role, desk));
  showWho();
  announce(`Signed in as ${role} on ${desk}.`);
  route();
});

window.addEventListener('hashchange', route);
showWho();
showClock();
route();
