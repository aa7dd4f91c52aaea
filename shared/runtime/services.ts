import * as z from '#shared/validation/zod.ts';
import { cognitoStaffDirectory } from '../auth/cognito-staff-directory.ts';
import { ApiEnv } from '../config/env.ts';
import { kpiRecorder } from '../kpis/recorder.ts';
import type { BlobStore } from '../objects/ports.ts';
import { dynamoBanStore } from '../store/ban-store.ts';
import { dynamoIdempotencyStore } from '../store/idempotency-store.ts';
import { dynamoKpiRollupStore } from '../store/kpi-rollup-store.ts';
import { dynamoMailStore } from '../store/mail-store.ts';
import { s3ObjectStore } from '../store/s3-objects.ts';
import { dynamoTicketReader, dynamoTicketStore } from '../store/ticket-store.ts';
import { banService } from '../tickets/bans.ts';
import { deskDefaultsFor } from '../tickets/desk-policy.ts';
import type { TicketStore } from '../tickets/ports.ts';
import { type TicketService, ticketReads, ticketService } from '../tickets/service.ts';
import { NO_STAFF, type StaffDirectory } from '../tickets/staff-directory.ts';
import { systemClock } from '../time/clock.ts';
import { firstNoticesFor } from '../workflow/first-notices.ts';
import { sfnWorkflowSignals } from '../workflow/sfn-signals.ts';
import type { WorkflowSignals } from '../workflow/signals.ts';
import { cognitoClient } from './clients/cognito.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { s3Client } from './clients/s3.ts';
import { sfnClient } from './clients/sfn.ts';
import { perRuntime, type Runtime, runtimeEnv } from './runtime.ts';

/**
 * The pieces several composition roots share, each built one way and once per runtime: a root asks
 * for the ticket store or the ban check and gets the same instance another root in the process got.
 * Each parses only the configuration it needs, so a function's environment stays minimal.
 */

const TableEnv = z.object({ TABLE_NAME: ApiEnv.shape.TABLE_NAME });
const BodiesEnv = z.object({ BODY_BUCKET: ApiEnv.shape.BODY_BUCKET });
const WorkflowArnEnv = z.object({ STATE_MACHINE_ARN: ApiEnv.shape.STATE_MACHINE_ARN });
const StaffEnv = z.object({ USER_POOL_ID: ApiEnv.shape.USER_POOL_ID });

export const tableName = /* @__PURE__ */ perRuntime(() => runtimeEnv(TableEnv).TABLE_NAME);

/** Message bodies, attachments and export bundles: the bodies bucket. */
export const bodyBucket = /* @__PURE__ */ perRuntime(() => runtimeEnv(BodiesEnv).BODY_BUCKET);
export const bodyObjects = /* @__PURE__ */ perRuntime((runtime) =>
  s3ObjectStore(s3Client(runtime.clients), bodyBucket()),
);

/** Functions that never read or write message bodies get a store that says so if they try. */
const noBodies: BlobStore = {
  put: () => Promise.reject(new Error('this function does not write message bodies')),
  getText: () => Promise.reject(new Error('this function does not read message bodies')),
};

export const ticketStore = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoTicketStore(dynamoClient(runtime.clients), tableName(), bodyObjects()),
);

export const ticketStoreWithoutBodies = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoTicketStore(dynamoClient(runtime.clients), tableName(), noBodies),
);

/** Reading tickets, without message bodies: functions that never change one carry no write path. */
export const ticketReader = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoTicketReader(dynamoClient(runtime.clients), tableName(), noBodies),
);

/** Reading tickets with their messages' bodies: the ticket view, DSAR exports. */
export const ticketReaderWithBodies = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoTicketReader(dynamoClient(runtime.clients), tableName(), bodyObjects()),
);

/** Idempotency keys of creates (incidents, compliance requests), apart from the ticket store. */
export const idempotencyStore = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoIdempotencyStore(dynamoClient(runtime.clients), tableName()),
);

/** Mail items: inbound, outbound, suspended. */
export const mailStore = /* @__PURE__ */ perRuntime((runtime) =>
  dynamoMailStore(dynamoClient(runtime.clients), tableName()),
);

/** The ban check every intake path runs (API, mail, survey, compliance requests). */
export const bans = /* @__PURE__ */ perRuntime((runtime) =>
  banService({ bans: dynamoBanStore(dynamoClient(runtime.clients), tableName()), clock: runtime.clock }),
);

export const workflowSignals = /* @__PURE__ */ perRuntime((runtime) =>
  sfnWorkflowSignals(sfnClient(runtime.clients), runtimeEnv(WorkflowArnEnv).STATE_MACHINE_ARN),
);

const staffDirectory = /* @__PURE__ */ perRuntime((runtime) =>
  cognitoStaffDirectory(cognitoClient(runtime.clients), runtimeEnv(StaffEnv).USER_POOL_ID),
);

const ticketServiceWith = (
  runtime: Runtime,
  parts: { store: TicketStore; signals: WorkflowSignals; staff: StaffDirectory },
): TicketService =>
  ticketService({
    ...parts,
    clock: runtime.clock,
    deskDefaults: deskDefaultsFor,
    bans: bans(),
    // A change's commit carries the ticket's KPI share (shared/kpis/recorder.ts).
    kpis: kpiRecorder(dynamoKpiRollupStore(dynamoClient(runtime.clients), tableName())),
    firstNotices: firstNoticesFor(systemClock),
  });

/*
 * The ticket service, built per route with exactly what the route is granted (functions/manifest): a
 * route's bundle then carries only the SDK clients it calls. What a route is not granted refuses.
 */

/** Opening a ticket and replying: bodies and the workflow; assignment is not theirs. */
export const ticketWriteService = /* @__PURE__ */ perRuntime((runtime) =>
  ticketServiceWith(runtime, { store: ticketStore(), signals: workflowSignals(), staff: NO_STAFF }),
);

/** Updating a ticket: the workflow and the staff directory (assignees); no bodies. */
export const ticketUpdateService = /* @__PURE__ */ perRuntime((runtime) =>
  ticketServiceWith(runtime, {
    store: ticketStoreWithoutBodies(),
    signals: workflowSignals(),
    staff: staffDirectory(),
  }),
);

/** Reading a ticket with its messages: the ticket reads with the bodies, nothing of the workflow. */
export const ticketViewService = /* @__PURE__ */ perRuntime((runtime) =>
  ticketReads({ store: ticketReaderWithBodies(), clock: runtime.clock }),
);

/** Listing tickets and their SLA: the ticket reads, the table only. */
export const ticketReadService = /* @__PURE__ */ perRuntime((runtime) =>
  ticketReads({ store: ticketReader(), clock: runtime.clock }),
);

/** The ticket service mail writes with: it opens tickets and adds replies, and never assigns one. */
export const mailTicketService = /* @__PURE__ */ perRuntime((runtime) =>
  ticketServiceWith(runtime, { store: ticketStore(), signals: workflowSignals(), staff: NO_STAFF }),
);
