import { fileURLToPath } from 'node:url';

/** The console's static files (HTML, ES modules, CSS): no build step, deployed as they are. */
export const OPS_CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

/**
 * Response headers of the ops console's static files, in one place: the local stack sends them
 * and infra/stacks/ops-stack.ts puts the same values in CloudFront's response headers policy.
 * The page loads only its own scripts and styles and talks only to its own origin (the API is
 * behind the same origin in both homes), so the policy can be strict.
 */
export const OPS_CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const OPS_CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': OPS_CONSOLE_CSP,
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** Where the console lives on the site (the local stack and CloudFront both serve it here). */
export const OPS_CONSOLE_PATH = '/ops';
