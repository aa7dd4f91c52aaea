import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { dirname, join, resolve, sep } from 'node:path';

/**
 * A small S3-compatible endpoint (path-style PutObject, GetObject, HeadObject, DeleteObject)
 * storing objects as files, so handlers use their S3 client (shared/runtime/aws/s3.ts) locally, and tests
 * the SDK's @aws-sdk/client-s3. Enough for
 * message bodies and attachments; not a general S3.
 */
export async function startObjectStore(options: { dir: string; port: number; host?: string }) {
  const root = resolve(options.dir);
  await mkdir(root, { recursive: true });

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const [, bucket, ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      if (!bucket || !key) {
        res
          .writeHead(400, { 'content-type': 'application/xml' })
          .end(s3Error('InvalidRequest', 'bucket and key required'));
        return;
      }
      const file = resolve(root, bucket, ...key.split('/'));
      if (!file.startsWith(root + sep)) {
        res
          .writeHead(400, { 'content-type': 'application/xml' })
          .end(s3Error('InvalidKey', 'key escapes the store'));
        return;
      }
      switch (req.method) {
        case 'PUT': {
          const body = decodeBody(req, await readAll(req));
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, body);
          const meta = { contentType: req.headers['content-type'] ?? 'application/octet-stream' };
          await writeFile(`${file}.meta.json`, JSON.stringify(meta));
          res.writeHead(200, { etag: etag(body) }).end();
          return;
        }
        case 'GET':
        case 'HEAD': {
          let body: Buffer;
          try {
            body = await readFile(file);
          } catch {
            res
              .writeHead(404, { 'content-type': 'application/xml' })
              .end(req.method === 'GET' ? s3Error('NoSuchKey', key) : undefined);
            return;
          }
          const meta = JSON.parse(await readFile(`${file}.meta.json`, 'utf8').catch(() => '{}')) as {
            contentType?: string;
          };
          const info = await stat(file);
          res.writeHead(200, {
            'content-type': meta.contentType ?? 'application/octet-stream',
            'content-length': body.length,
            etag: etag(body),
            'last-modified': info.mtime.toUTCString(),
          });
          res.end(req.method === 'GET' ? body : undefined);
          return;
        }
        case 'DELETE':
          await rm(file, { force: true });
          await rm(`${file}.meta.json`, { force: true });
          res.writeHead(204).end();
          return;
        default:
          res
            .writeHead(405, { 'content-type': 'application/xml' })
            .end(s3Error('MethodNotAllowed', req.method ?? ''));
      }
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/xml' }).end(s3Error('InternalError', String(error)));
    }
  });

  await new Promise<void>((ok) => server.listen(options.port, options.host ?? '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Undoes `aws-chunked` content encoding (the SDK uses it when it sends trailing checksums). */
function decodeBody(req: IncomingMessage, raw: Buffer): Buffer {
  const encoding = String(req.headers['content-encoding'] ?? '');
  const chunked =
    encoding.includes('aws-chunked') ||
    String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  if (!chunked) return raw;
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '0', 16);
    if (!size) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function etag(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function s3Error(code: string, message: string): string {
  const esc = (s: string) => s.replace(/[<&>]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`;
}

export const objectStorePath = (dataDir: string) => join(dataDir, 'objects');
