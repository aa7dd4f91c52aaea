import { type AppealService, appealService } from '../compliance/appeal-service.ts';
import { type AttachmentService, attachmentService } from '../compliance/attachment-service.ts';
import { type DeadlineService, deadlineService } from '../compliance/deadlines.ts';
import { type DsarService, dsarService } from '../compliance/dsar-service.ts';
import { type HoldService, holdService } from '../compliance/hold-service.ts';
import { type NoticeOutbox, noticeOutbox } from '../compliance/notice-outbox.ts';
import { type ComplianceStore, cryptoRandom, type DeadlineScheduler } from '../compliance/ports.ts';
import { type PurgeService, purgeService } from '../compliance/purge.ts';
import { ComplianceEnv, ComplianceSchedulerEnv } from '../config/env.ts';
import { breachService } from '../incidents/breach-service.ts';
import type { ObjectStore } from '../objects/ports.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { eventBridgeScheduler } from '../schedules/eventbridge-scheduler.ts';
import { dynamoAttachmentStore } from '../store/attachment-store.ts';
import { dynamoComplianceStore } from '../store/compliance-store.ts';
import { dynamoIncidentStore } from '../store/incident-store.ts';
import { dynamoRetentionStore } from '../store/retention-store.ts';
import type { TicketStore } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { schedulerClient } from './clients/scheduler.ts';
import { perRuntime, type Runtime, runtimeEnv } from './runtime.ts';
import { bans, bodyObjects, tableName, ticketStore, ticketStoreWithoutBodies } from './services.ts';

/**
 * Composition root of the compliance handlers (API routes, purge tasks, deadline handler, sweep),
 * built once per runtime (shared/runtime/runtime.ts).
 */
export interface ComplianceDeps {
  clock: Clock;
  records: ComplianceStore;
  dsars: DsarService;
  appeals: AppealService;
  holds: HoldService;
  purge: PurgeService;
  deadlines: DeadlineService;
  attachments: AttachmentService;
  /** For the mail sender: pending compliance notices, and marking them sent. */
  notices: NoticeOutbox;
}

/**
 * Deadline schedules, built on first use: only handlers that schedule need the Scheduler settings, so a
 * route that never schedules does not fail for want of them.
 */
function deadlineScheduler(runtime: Runtime): DeadlineScheduler {
  let real: DeadlineScheduler | undefined;
  const scheduler = () =>
    (real ??= eventBridgeScheduler(schedulerClient(runtime.clients), runtimeEnv(ComplianceSchedulerEnv)));
  return {
    scheduleOnce: (...args) => scheduler().scheduleOnce(...args),
    cancel: (...args) => scheduler().cancel(...args),
  };
}

/** What a compliance function is granted beyond the table (functions/manifest): bodies, deadline schedules. */
interface ComplianceGrants {
  objects: ObjectStore;
  tickets: TicketStore;
  scheduler: DeadlineScheduler;
}

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

function complianceDepsWith(runtime: Runtime, grants: ComplianceGrants): ComplianceDeps {
  runtimeEnv(ComplianceEnv);
  const dynamo = dynamoClient(runtime.clients);
  const clock = runtime.clock;
  const { objects, tickets, scheduler } = grants;
  const records = dynamoComplianceStore(dynamo, tableName());
  const retention = dynamoRetentionStore(dynamo, tableName());
  const attachments = dynamoAttachmentStore(dynamo, tableName(), objects);
  const common = {
    records,
    tickets,
    idempotency: tickets,
    bans: bans(),
    scheduler,
    clock,
    random: cryptoRandom,
    packFor: findPolicyPack,
  };
  const dsars = dsarService({ ...common, retention, attachments, objects });
  const appeals = appealService(common);
  return {
    clock,
    records,
    dsars,
    appeals,
    holds: holdService(common),
    purge: purgeService({ records, retention, objects, scheduler, clock, packFor: findPolicyPack }),
    deadlines: deadlineService({
      dsars,
      appeals,
      records,
      clock,
      breaches: breachService({ incidents: dynamoIncidentStore(dynamo, tableName()), scheduler, clock }),
    }),
    attachments: attachmentService({ tickets, attachments, clock, packFor: findPolicyPack }),
    notices: noticeOutbox({ records, scheduler, clock }),
  };
}

/*
 * One root per combination of grants, so a route's bundle carries only the clients it may call: most
 * compliance routes touch the table alone and carry neither S3 nor EventBridge Scheduler.
 */

/** The bodies bucket and the deadline schedules: exports, erasure, purges, the deadline jobs, attachments. */
export const complianceDeps = /* @__PURE__ */ perRuntime(
  (runtime): ComplianceDeps =>
    complianceDepsWith(runtime, {
      objects: bodyObjects(),
      tickets: ticketStore(),
      scheduler: deadlineScheduler(runtime),
    }),
);

/** The table only: reads, codes, verification, legal holds, the audit trail, the retention preview. */
export const complianceTableDeps = /* @__PURE__ */ perRuntime(
  (runtime): ComplianceDeps =>
    complianceDepsWith(runtime, {
      objects: noObjects,
      tickets: ticketStoreWithoutBodies(),
      scheduler: noSchedules,
    }),
);

/** The deadline schedules, no bucket: opening, extending and rejecting DSARs, opening and deciding appeals. */
export const complianceScheduleDeps = /* @__PURE__ */ perRuntime(
  (runtime): ComplianceDeps =>
    complianceDepsWith(runtime, {
      objects: noObjects,
      tickets: ticketStoreWithoutBodies(),
      scheduler: deadlineScheduler(runtime),
    }),
);

/** The bodies bucket, no schedules: downloading a DSAR export. */
export const complianceObjectDeps = /* @__PURE__ */ perRuntime(
  (runtime): ComplianceDeps =>
    complianceDepsWith(runtime, { objects: bodyObjects(), tickets: ticketStore(), scheduler: noSchedules }),
);
