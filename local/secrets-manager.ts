import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A local Secrets Manager endpoint (the stack's runtime points the client here) serving `GetSecretValue` from files
 * in the data directory, so the handlers read their keyrings through the same SDK call as on AWS. A file
 * holds one plain key (as first generated) or a keyring `{"current": "…", "previous": "…"}`; it is read on
 * every call, so editing it is a local rotation (picked up once the handlers' cache expires).
 */
export const LOCAL_SECRETS = {
  survey: { id: 'tierdesk-local/survey', file: 'survey-secret' },
  threadToken: { id: 'tierdesk-local/thread-token', file: 'thread-token-secret' },
} as const;

export async function startSecretsManagerEndpoint(dataDir: string, port = 0) {
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (target !== 'GetSecretValue') {
        return send(400, { __type: 'InvalidRequestException', message: `${target} is not served locally` });
      }
      const { SecretId } = (raw ? JSON.parse(raw) : {}) as { SecretId?: string };
      const secret = Object.values(LOCAL_SECRETS).find((s) => s.id === SecretId);
      if (!secret) {
        return send(400, { __type: 'ResourceNotFoundException', message: `no local secret ${SecretId}` });
      }
      const value = readFileSync(join(dataDir, secret.file), 'utf8').trim();
      return send(200, {
        ARN: `arn:aws:secretsmanager:local:000000000000:secret:${secret.id}`,
        Name: secret.id,
        SecretString: value,
        VersionId: 'local',
      });
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
