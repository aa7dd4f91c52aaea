/**
 * The ops console: a hash-routed page over the tierdesk API. No build step: ES modules served as
 * they are, the same files locally (the local stack at /ops) and on AWS (S3 + CloudFront at /ops).
 */
import { ApiError, claims, localStack, localToken, setToken, token } from './api.js';
import { h, render } from './dom.js';
import { at } from './format.js';
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

const navigate = (hash) => {
  if (location.hash === hash) route();
  else location.hash = hash;
};
const announce = (message) => {
  statusBox.textContent = message;
};

function showWho() {
  const c = claims();
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
  render(clockBox, `Local stack · virtual clock ${at(local.now, 'UTC')} UTC`);
}

function currentRoute() {
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  return { parts: (path || '/queue').split('/').filter(Boolean), params: new URLSearchParams(query ?? '') };
}

let routing = 0;
// The first view does not take focus: a keyboard user starts at the skip link, as on any page.
let firstView = true;
async function route() {
  const mine = ++routing;
  alertBox.textContent = '';
  const { parts, params } = currentRoute();
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === parts[0]) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!token()) {
    signin.hidden = false;
    render(main, h('h1', { tabindex: '-1' }, 'Sign in to see the queue'));
    return;
  }
  signin.hidden = true;
  render(main, h('p', { class: 'muted' }, 'Loading…'));
  const context = { navigate, reload: route, announce };
  try {
    let content;
    if (parts[0] === 'tickets' && parts[1]) content = await ticketView(decodeURIComponent(parts[1]), context);
    else if (parts[0] === 'kpis') content = await kpisView(params, context);
    else if (parts[0] === 'incidents') content = await incidentsView(params, context);
    else content = await queueView(params, context);
    if (mine !== routing) return;
    render(main, content);
    if (!firstView) main.querySelector('h1')?.focus();
    firstView = false;
  } catch (error) {
    if (mine !== routing) return;
    render(main, h('h1', { tabindex: '-1' }, 'Could not load this view'));
    if (error instanceof ApiError) {
      alertBox.textContent = `${error.status}: ${error.message}`;
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
