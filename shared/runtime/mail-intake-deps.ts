import { MailInboundEnv, SuspendedMailEnv } from '../config/env.ts';
import type { MailIntakeDeps } from '../mail/intake.ts';
import type { MailObjects } from '../mail/ports.ts';
import { type SuspendedMailReleaseService, suspendedMailRelease } from '../mail/suspended-release.ts';
import type { ObjectStore } from '../objects/ports.ts';
import { secretsManagerKeyring } from '../secrets/keyring.ts';
import { s3ObjectStore } from '../store/s3-objects.ts';
import { s3Client } from './clients/s3.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { newId } from './ids.ts';
import { perRuntime, type Runtime, runtimeEnv } from './runtime.ts';
import { bans, bodyBucket, mailStore, mailTicketService, ticketStore } from './services.ts';

/**
 * Composition roots of the functions that write received mail onto tickets (the inbound function, the
 * release of suspended mail), built once per runtime (shared/runtime/runtime.ts). Only they carry the
 * MIME parser.
 */

/** Mail names its buckets per object (the receipt rule's, the bodies'): one object store per bucket. */
function objectsByBucket(runtime: Runtime): MailObjects {
  const stores = new Map<string, ObjectStore>();
  const inBucket = (bucket: string) => {
    let store = stores.get(bucket);
    if (!store) {
      store = s3ObjectStore(s3Client(runtime.clients), bucket);
      stores.set(bucket, store);
    }
    return store;
  };
  return {
    size: (bucket, key) => inBucket(bucket).size(key),
    async get(bucket, key) {
      const bytes = await inBucket(bucket).get(key);
      if (!bytes) throw new Error(`object ${key} is missing from ${bucket}`);
      return bytes;
    },
    put: (bucket, key, body, contentType) => inBucket(bucket).put(key, body, contentType),
  };
}

/**
 * What writes received mail onto tickets: the stores and the ticket service, with the ban check, built
 * one way for the inbound function and the suspended-mail routes (releasing is intake like any other).
 */
const mailIntakeCore = /* @__PURE__ */ perRuntime((runtime) => ({
  mailStore: mailStore(),
  ticketStore: ticketStore(),
  bans: bans(),
  tickets: mailTicketService(),
  objects: objectsByBucket(runtime),
  clock: runtime.clock,
  newId,
  bodyBucket: bodyBucket(),
}));

export const mailInboundDeps = /* @__PURE__ */ perRuntime((runtime): MailIntakeDeps => {
  const env = runtimeEnv(MailInboundEnv);
  return {
    ...mailIntakeCore(),
    mailBucket: env.MAIL_BUCKET,
    threadKeys: secretsManagerKeyring(secretsManagerClient(runtime.clients), env.THREAD_TOKEN_SECRET_ID),
  };
});

/** Staff's release of suspended mail: intake like the inbound function's, with the same stores and services. */
export const suspendedMailReleaseDeps = /* @__PURE__ */ perRuntime((): SuspendedMailReleaseService => {
  runtimeEnv(SuspendedMailEnv);
  return suspendedMailRelease(mailIntakeCore());
});
