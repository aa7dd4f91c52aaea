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

export async function localToken(role, desk) {
  const response = await fetch('/_local/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role, desk }),
  });
  if (!response.ok) throw new ApiError(response.status);
  return (await response.json()).token;
}
