import * as z from 'zod';
import { cognitoStaffDirectory } from '../auth/cognito-staff-directory.ts';
import { ApiEnv } from '../config/env.ts';
import type { BlobStore } from '../objects/ports.ts';
import { dynamoBanStore } from '../store/ban-store.ts';
import { s3ObjectStore } from '../store/s3-objects.ts';
import { dynamoTicketStore } from '../store/ticket-store.ts';
import { banService } from '../tickets/bans.ts';
import { deskDefaultsFor } from '../tickets/desk-policy.ts';
import { type TicketService, ticketService } from '../tickets/service.ts';
import type { StaffDirectory } from '../tickets/staff-directory.ts';
import { NO_STAFF } from '../tickets/staff-directory.ts';
import { sfnWorkflowSignals } from '../workflow/sfn-signals.ts';
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

export const tableName = perRuntime(() => runtimeEnv(TableEnv).TABLE_NAME);

/** Message bodies, attachments and export bundles: the bodies bucket. */
export const bodyBucket = perRuntime(() => runtimeEnv(BodiesEnv).BODY_BUCKET);
export const bodyObjects = perRuntime((runtime) => s3ObjectStore(runtime.clients.s3, bodyBucket()));

/** Functions that never read or write message bodies get a store that says so if they try. */
const noBodies: BlobStore = {
  put: () => Promise.reject(new Error('this function does not write message bodies')),
  getText: () => Promise.reject(new Error('this function does not read message bodies')),
};

export const ticketStore = perRuntime((runtime) =>
  dynamoTicketStore(runtime.clients.dynamo, tableName(), bodyObjects()),
);

export const ticketStoreWithoutBodies = perRuntime((runtime) =>
  dynamoTicketStore(runtime.clients.dynamo, tableName(), noBodies),
);

/** The ban check every intake path runs (API, mail, survey, compliance requests). */
export const bans = perRuntime((runtime) =>
  banService({ bans: dynamoBanStore(runtime.clients.dynamo, tableName()), clock: runtime.clock }),
);

export const workflowSignals = perRuntime((runtime) =>
  sfnWorkflowSignals(runtime.clients.sfn, runtimeEnv(WorkflowArnEnv).STATE_MACHINE_ARN),
);

const ticketServiceWith = (runtime: Runtime, staff: StaffDirectory): TicketService =>
  ticketService({
    store: ticketStore(),
    clock: runtime.clock,
    deskDefaults: deskDefaultsFor,
    signals: workflowSignals(),
    bans: bans(),
    staff,
  });

/** The ticket service of the API: assignees are checked against the staff directory. */
export const staffTicketService = perRuntime((runtime) =>
  ticketServiceWith(
    runtime,
    cognitoStaffDirectory(runtime.clients.cognito, runtimeEnv(StaffEnv).USER_POOL_ID),
  ),
);

/** The ticket service mail writes with: it opens tickets and adds replies, and never assigns one. */
export const mailTicketService = perRuntime((runtime) => ticketServiceWith(runtime, NO_STAFF));
