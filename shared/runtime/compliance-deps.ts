import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AppealService, appealService } from '../compliance/appeal-service.ts';
import { type AttachmentService, attachmentService } from '../compliance/attachment-service.ts';
import { type DeadlineService, deadlineService } from '../compliance/deadlines.ts';
import { type DsarService, dsarService } from '../compliance/dsar-service.ts';
import { type HoldService, holdService } from '../compliance/hold-service.ts';
import { type NoticeOutbox, noticeOutbox } from '../compliance/notice-outbox.ts';
import { cryptoRandom, type DeadlineScheduler } from '../compliance/ports.ts';
import { type PurgeService, purgeService } from '../compliance/purge.ts';
import { ComplianceEnv, ComplianceSchedulerEnv, parseEnv } from '../config/env.ts';
import { breachService } from '../incidents/breach-service.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { eventBridgeScheduler } from '../schedules/eventbridge-scheduler.ts';
import { dynamoAttachmentStore } from '../store/attachment-store.ts';
import { dynamoBanStore } from '../store/ban-store.ts';
import { s3BlobStore } from '../store/blob-store.ts';
import { type ComplianceStore, dynamoComplianceStore } from '../store/compliance-store.ts';
import { dynamoIncidentStore } from '../store/incident-store.ts';
import { s3ObjectStore } from '../store/objects.ts';
import { dynamoRetentionStore } from '../store/retention-store.ts';
import { dynamoTicketStore } from '../store/ticket-store.ts';
import { banService } from '../tickets/bans.ts';
import { type Clock, currentClock } from '../time/clock.ts';

/**
 * Composition root of the compliance handlers (API routes, purge tasks, deadline handler, sweep).
 * Built once per process; SDK clients reach local stand-ins through AWS_ENDPOINT_URL_* (the
 * Scheduler stand-in included), so nothing here knows whether it runs on AWS.
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

let built: ComplianceDeps | undefined;

export function complianceDeps(): ComplianceDeps {
  if (built) return built;
  const env = parseEnv(ComplianceEnv);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const s3 = new S3Client({ forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' });
  const objects = s3ObjectStore(s3, env.BODY_BUCKET);
  const tickets = dynamoTicketStore(doc, env.TABLE_NAME, s3BlobStore(s3, env.BODY_BUCKET));
  const records = dynamoComplianceStore(doc, env.TABLE_NAME);
  const retention = dynamoRetentionStore(doc, env.TABLE_NAME);
  const attachments = dynamoAttachmentStore(doc, env.TABLE_NAME, objects);
  // Read the process clock on every call: the local stack may install its virtual clock after import.
  const clock: Clock = { now: () => currentClock().now() };
  // Built on first use: only handlers that schedule deadlines need the Scheduler settings.
  let real: DeadlineScheduler | undefined;
  const scheduler: DeadlineScheduler = {
    scheduleOnce: (...args) => {
      real ??= eventBridgeScheduler(new SchedulerClient({}), parseEnv(ComplianceSchedulerEnv));
      return real.scheduleOnce(...args);
    },
    cancel: (...args) => {
      real ??= eventBridgeScheduler(new SchedulerClient({}), parseEnv(ComplianceSchedulerEnv));
      return real.cancel(...args);
    },
  };
  const bans = banService({ bans: dynamoBanStore(doc, env.TABLE_NAME), clock });
  const common = { records, tickets, bans, scheduler, clock, random: cryptoRandom, packFor: findPolicyPack };
  const dsars = dsarService({ ...common, retention, attachments, objects });
  const appeals = appealService(common);
  built = {
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
      breaches: breachService({ incidents: dynamoIncidentStore(doc, env.TABLE_NAME), scheduler, clock }),
    }),
    attachments: attachmentService({ tickets, attachments, clock, packFor: findPolicyPack }),
    notices: noticeOutbox({ records, scheduler, clock }),
  };
  return built;
}

/** For tests and the local stack after they change the environment. */
export function resetComplianceDeps(): void {
  built = undefined;
}
