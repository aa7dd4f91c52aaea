import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startObjectStore } from '#local/object-store.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { s3ObjectClient } from '#shared/runtime/aws/s3.ts';
import { newId } from '#shared/runtime/ids.ts';
import { s3ObjectStore } from '#shared/store/s3-objects.ts';
import type { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import { openTicket } from '#shared/tickets/commands.ts';
import { GENERIC_DESK_DEFAULTS } from '#shared/tickets/desk-policy.ts';
import { startDynalite } from './dynalite.ts';

/** A dynalite table and a local object store with one bucket: what the purge and erasure tests run on. */
export async function startPurgeFixture(name: string, bucket: string) {
  const db = await startDynalite(name);
  const objectsDir = mkdtempSync(join(tmpdir(), `tierdesk-${name}-`));
  const objectsServer = await startObjectStore({ dir: objectsDir, port: 0 });
  const s3 = s3ObjectClient({
    endpoint: objectsServer.url,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    db,
    objectsDir,
    objects: () => s3ObjectStore(s3, bucket),
    async stop() {
      s3.destroy();
      await objectsServer.close();
      await db.stop();
      rmSync(objectsDir, { recursive: true, force: true });
    },
  };
}

/** The agent the tests seed tickets as. */
export const seedingAgent = (desk: string): Principal => ({
  id: 'agent-1',
  role: 'agent',
  desk,
  email: 'agent@example.com',
  name: undefined,
  plan: undefined,
  tier: undefined,
});

/** A ticket opened (and last touched) at `at`, written straight to the store. */
export async function seedTicketAt(
  tickets: ReturnType<typeof dynamoTicketStore>,
  desk: string,
  at: Date,
  body: Parameters<typeof openTicket>[0]['body'],
) {
  const change = openTicket({
    principal: seedingAgent(desk),
    body,
    id: newId(at),
    now: at,
    defaults: GENERIC_DESK_DEFAULTS,
  });
  await tickets.putMessage(change.message);
  await tickets.putNewTicket({ ticket: change.ticket, activity: change.activity });
  return change.ticket;
}
