/**
 * The console talks to the tierdesk API on its own origin (the local stack serves both; on AWS
 * CloudFront routes the API paths to API Gateway), with the bearer token the user gave.
 */
const TOKEN_KEY = 'tierdesk.ops.token';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }

  /** 412: the resource changed since it was read (If-Match no longer matches). */
  get conflict() {
    return this.status === 412;
  }

  /** The problem's sentence with its field errors ("/priority: needs a lead"). */
  get explanation() {
    const fields = (this.problem?.errors ?? []).map((e) => `${e.pointer ?? ''}: ${e.detail ?? ''}`);
    return [this.message, ...fields].join(' — ');
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The token's claims (desk, role, exp), read without verifying: the API verifies it. */
export function claims() {
  const t = token();
  if (!t) return null;
  try {
    const payload = t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, '=')));
  } catch {
    return null;
  }
}

export async function api(path, options = {}) {
  const headers = { accept: 'application/json', ...options.headers };
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  let body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(path, { method: options.method ?? 'GET', headers, body });
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!response.ok) throw new ApiError(response.status, typeof parsed === 'object' ? parsed : undefined);
  return { body: parsed, etag: response.headers.get('etag') };
}

/**
 * A list read page by page while the response names a `next` cursor (as `cursor=`), up to `maxPages`;
 * `pick` takes a page's items. Fields it does not know are left alone, so an API that adds some keeps
 * working here. Returns the first page's body with every page's items.
 */
export async function apiPages(path, { maxPages = 4, pick = (body) => body.items ?? [] } = {}) {
  const first = (await api(path)).body;
  const items = [...pick(first)];
  let next = first.next ?? null;
  for (let page = 1; next && page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const body = (await api(`${path}${separator}cursor=${encodeURIComponent(next)}`)).body;
    items.push(...pick(body));
    next = body.next ?? null;
  }
  return { ...first, items, next };
}

/** The local stack's extras (virtual clock, demo tokens); absent on AWS. */
export async function localStack() {
  try {
    const response = await fetch('/_local/clock', { headers: { accept: 'application/json' } });
    if (!response.ok) return null;
    return await response.json();
  } catch {
    return null;
  }
}

/** A demo token as the desk's staff member of that role in the local directory (`techflow-lead`), so "Assign to me" works. */
export async function localToken(role, desk) {
  const response = await fetch('/_local/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role, desk, sub: `${desk}-${role}`, email: `${desk}-${role}@staff.example.com` }),
  });
  if (!response.ok) throw new ApiError(response.status);
  return (await response.json()).token;
}
