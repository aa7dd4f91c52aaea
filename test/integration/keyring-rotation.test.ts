import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SECRETS, startSecretsManagerEndpoint } from '#local/secrets-manager.ts';
import { type SecretsManagerClient, secretsManagerJsonClient } from '#shared/runtime/aws/secrets-manager.ts';
import { KEYRING_CACHE_MS, secretsManagerKeyring } from '#shared/secrets/keyring.ts';
import { surveyPath, verifySurveySignature } from '#shared/survey/link.ts';

const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(40);
const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-keyring-'));
let endpoint: Awaited<ReturnType<typeof startSecretsManagerEndpoint>>;
let client: SecretsManagerClient;

beforeAll(async () => {
  writeFileSync(join(dataDir, LOCAL_SECRETS.survey.file), `${OLD}\n`);
  endpoint = await startSecretsManagerEndpoint(dataDir);
  client = secretsManagerJsonClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('survey keyring rotation through the Secrets Manager port (local endpoint)', () => {
  it('keeps an old link valid while the previous key is kept, and refuses it once that is dropped', async () => {
    let now = 0;
    const keys = secretsManagerKeyring(client, LOCAL_SECRETS.survey.id, { nowMs: () => now });
    const sent = new Date('2030-03-01T10:00:00Z');
    const expires = new Date('2030-03-31T10:00:00Z');
    const sig = (path: string) => new URL(path, 'https://x').searchParams.get('sig')!;
    const oldLink = sig(surveyPath(await keys.keyring(), 'acentus', '01JAAAAAAAAAAAAAAAAAAAAAAA', expires));
    const check = async (link: string) =>
      verifySurveySignature(await keys.keyring(), 'acentus', '01JAAAAAAAAAAAAAAAAAAAAAAA', link, sent);

    // Rotate: the old key moves to previous. Picked up once the cache expires.
    writeFileSync(join(dataDir, LOCAL_SECRETS.survey.file), JSON.stringify({ current: NEW, previous: OLD }));
    expect((await keys.keyring()).current).toBe(OLD);
    now += KEYRING_CACHE_MS;
    expect(await keys.keyring()).toEqual({ current: NEW, previous: OLD });
    expect(await check(oldLink)).toBe('valid');
    const newLink = sig(surveyPath(await keys.keyring(), 'acentus', '01JAAAAAAAAAAAAAAAAAAAAAAA', expires));

    // End of the overlap window: previous dropped.
    writeFileSync(join(dataDir, LOCAL_SECRETS.survey.file), JSON.stringify({ current: NEW, previous: '' }));
    now += KEYRING_CACHE_MS;
    expect(await check(oldLink)).toBe('invalid');
    expect(await check(newLink)).toBe('valid');
  });
});
