import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { OPS_CONSOLE_DIR, OPS_CONSOLE_HEADERS, OPS_CONSOLE_PATH } from '#shared/ops/console-site.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves `/ops` and `/ops/*` from console/ with the console's security headers (as
 * CloudFront's response headers policy does). Returns false for any other path.
 */
export async function serveOpsConsole(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  if (path !== OPS_CONSOLE_PATH && !path.startsWith(`${OPS_CONSOLE_PATH}/`)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return true;
  }
  if (path === OPS_CONSOLE_PATH) {
    res.writeHead(301, { location: `${OPS_CONSOLE_PATH}/` }).end();
    return true;
  }
  let relative = decodeURIComponent(path.slice(OPS_CONSOLE_PATH.length + 1)) || 'index.html';
  if (relative.endsWith('/')) relative += 'index.html';
  const file = normalize(join(OPS_CONSOLE_DIR, relative));
  const type = TYPES[extname(file)];
  if (!file.startsWith(OPS_CONSOLE_DIR.endsWith(sep) ? OPS_CONSOLE_DIR : OPS_CONSOLE_DIR + sep) || !type) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return true;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', ...OPS_CONSOLE_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }
  return true;
}
