import { appealLifecycle, appealReads, appealVerification } from '../compliance/appeal-service.ts';
import { attachmentService } from '../compliance/attachment-service.ts';
import { deadlineService } from '../compliance/deadlines.ts';
import {
  dsarDownloads,
  dsarFulfilment,
  dsarLifecycle,
  dsarReads,
  dsarVerification,
} from '../compliance/dsar-service.ts';
import { holdReads, holdService } from '../compliance/hold-service.ts';
import { cryptoRandom, type DeadlineScheduler } from '../compliance/ports.ts';
import { purgeService } from '../compliance/purge.ts';
import { ComplianceEnv, ComplianceSchedulerEnv } from '../config/env.ts';
import { breachService } from '../incidents/breach-service.ts';
import type { ObjectStore } from '../objects/ports.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { eventBridgeScheduler } from '../schedules/eventbridge-scheduler.ts';
import { dynamoAttachmentStore } from '../store/attachment-store.ts';
import { dynamoComplianceStore } from '../store/compliance-store.ts';
import { dynamoIncidentStore } from '../store/incident-store.ts';
import { dynamoRetentionStore } from '../store/retention-store.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { schedulerClient } from './clients/scheduler.ts';
import { perRuntime, type Runtime, runtimeEnv } from './runtime.ts';
import {
  bans,
  bodyObjects,
  idempotencyStore,
  tableName,
  ticketReader,
  ticketReaderWithBodies,
} from './services.ts';

/*
 * Composition roots of the compliance handlers (API routes, purge tasks, deadline handler, sweep), one
 * per group of use cases a route calls, built once per runtime (shared/runtime/runtime.ts). A route's
 * bundle carries only its group's rules (a DSAR read carries no export, erasure, appeal process or
 * packs) and only the clients its manifest grants: the table alone, the deadline schedules, the bodies
 * bucket. What a root is not granted refuses if a code path tries.
 */

/** The compliance records (requests, appeals, holds, purge runs, the audit trail): the table. */
export const complianceRecords = /* @__PURE__ */ perRuntime((runtime) => {
  runtimeEnv(ComplianceEnv);
  return dynamoComplianceStore(dynamoClient(runtime.clients), tableName());
});

const retention = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoRetentionStore(dynamoClient(runtime.clients), tableName()),
);

/**
 * Deadline schedules, built on first use: only handlers that schedule need the Scheduler settings, so a
 * route that never schedules does not fail for want of them.
 */
const schedules = /* @__PURE__ */ perRuntime((runtime): DeadlineScheduler => {
  let real: DeadlineScheduler | undefined;
  const scheduler = () =>
    (real ??= eventBridgeScheduler(schedulerClient(runtime.clients), runtimeEnv(ComplianceSchedulerEnv)));
  return {
    scheduleOnce: (...args) => scheduler().scheduleOnce(...args),
    cancel: (...args) => scheduler().cancel(...args),
  };
});

/** For functions granted no bucket access: says so if a code path tries. */
const noObjects: ObjectStore = {
  put: () => Promise.reject(new Error('this function does not write objects')),
  get: () => Promise.reject(new Error('this function does not read objects')),
  getText: () => Promise.reject(new Error('this function does not read objects')),
  size: () => Promise.reject(new Error('this function does not read objects')),
  delete: () => Promise.reject(new Error('this function does not delete objects')),
};

/** For functions granted no deadline schedules: says so if a code path tries. */
const noSchedules: DeadlineScheduler = {
  scheduleOnce: () => Promise.reject(new Error('this function does not create deadline schedules')),
  cancel: () => Promise.reject(new Error('this function does not delete deadline schedules')),
};

/** What every change of a record saves with: the records, the clock and the deadline schedules (or none). */
function saving(runtime: Runtime, scheduler: DeadlineScheduler) {
  return { records: complianceRecords(), scheduler, clock: runtime.clock };
}

/** The table only: reading requests and appeals, verification, legal holds, the audit trail. */

export const dsarReadService = /* @__PURE__ */ perRuntime(() => dsarReads({ records: complianceRecords() }));

export const dsarVerificationService = /* @__PURE__ */ perRuntime((runtime) =>
  dsarVerification({ ...saving(runtime, noSchedules), random: cryptoRandom, packFor: findPolicyPack }),
);

export const appealReadService = /* @__PURE__ */ perRuntime(() =>
  appealReads({ records: complianceRecords() }),
);

export const appealVerificationService = /* @__PURE__ */ perRuntime((runtime) =>
  appealVerification({ ...saving(runtime, noSchedules), random: cryptoRandom }),
);

export const holdReadService = /* @__PURE__ */ perRuntime(() => holdReads({ records: complianceRecords() }));

/** Setting and releasing holds: a held ticket must exist (the table). */
export const holdChangeService = /* @__PURE__ */ perRuntime((runtime) =>
  holdService({ ...saving(runtime, noSchedules), tickets: ticketReader() }),
);

/** The retention purge, never scheduling; only its batches (below) delete objects. */
const purgeWith = (runtime: Runtime, objects: ObjectStore) =>
  purgeService({ ...saving(runtime, noSchedules), retention: retention(), objects, packFor: findPolicyPack });

/** The purge's dry run and the opening of the day's runs: the table only. */
export const purgePlanningService = /* @__PURE__ */ perRuntime((runtime) => purgeWith(runtime, noObjects));

/** The deadline schedules, no bucket: opening, extending and rejecting DSARs, opening and deciding appeals. */

const intake = (runtime: Runtime) => ({
  ...saving(runtime, schedules()),
  tickets: ticketReader(),
  idempotency: idempotencyStore(),
  bans: bans(),
  random: cryptoRandom,
  packFor: findPolicyPack,
});

export const dsarLifecycleService = /* @__PURE__ */ perRuntime((runtime) => dsarLifecycle(intake(runtime)));

export const appealLifecycleService = /* @__PURE__ */ perRuntime((runtime) =>
  appealLifecycle(intake(runtime)),
);

/** The bodies bucket, no schedules: downloading a DSAR export, the purge's batches, ticket attachments. */

export const dsarDownloadService = /* @__PURE__ */ perRuntime((runtime) =>
  dsarDownloads({ ...saving(runtime, noSchedules), objects: bodyObjects(), packFor: findPolicyPack }),
);

export const purgeBatchService = /* @__PURE__ */ perRuntime((runtime) => purgeWith(runtime, bodyObjects()));

export const ticketAttachmentService = /* @__PURE__ */ perRuntime((runtime) =>
  attachmentService({
    tickets: ticketReader(),
    attachments: dynamoAttachmentStore(dynamoClient(runtime.clients), tableName(), bodyObjects()),
    clock: runtime.clock,
    packFor: findPolicyPack,
  }),
);

/** The bodies bucket and the deadline schedules: exports, erasure, the deadline handler and sweep. */

const fulfilment = (runtime: Runtime) => ({
  ...saving(runtime, schedules()),
  retention: retention(),
  tickets: ticketReaderWithBodies(),
  objects: bodyObjects(),
  packFor: findPolicyPack,
});

export const dsarFulfilmentService = /* @__PURE__ */ perRuntime((runtime) =>
  dsarFulfilment(fulfilment(runtime)),
);

export const complianceDeadlineService = /* @__PURE__ */ perRuntime((runtime) =>
  deadlineService({
    dsars: dsarFulfilmentService(),
    appeals: appealLifecycleService(),
    records: complianceRecords(),
    clock: runtime.clock,
    breaches: breachService({
      incidents: dynamoIncidentStore(dynamoClient(runtime.clients), tableName()),
      scheduler: schedules(),
      clock: runtime.clock,
    }),
  }),
);
