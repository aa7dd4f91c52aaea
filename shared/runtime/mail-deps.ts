import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  MailFeedbackEnv,
  MailInboundEnv,
  MailOutboundEnv,
  parseEnv,
  SuspendedMailEnv,
} from '../config/env.ts';
import type { MailIntakeDeps } from '../mail/intake.ts';
import { s3MailObjects } from '../mail/object-store.ts';
import { type SuspendedMailService, suspendedMailService } from '../mail/suspended.ts';
import type { DeliveryDeps } from '../notices/deliver.ts';
import { type OutboundMailPort, outboundMailPort } from '../notices/outbound-port.ts';
import { sesMailSender } from '../notices/sender.ts';
import { secretsManagerKeyring } from '../secrets/keyring.ts';
import { dynamoBanStore } from '../store/ban-store.ts';
import { s3BlobStore } from '../store/blob-store.ts';
import { dynamoMailStore, type MailStore } from '../store/mail-store.ts';
import { dynamoSweepPages, type SweepPages } from '../store/sweep-pages.ts';
import { dynamoTicketStore } from '../store/ticket-store.ts';
import { banService } from '../tickets/bans.ts';
import { deskDefaultsFor } from '../tickets/desk-policy.ts';
import { ticketService } from '../tickets/service.ts';
import { NO_STAFF } from '../tickets/staff-directory.ts';
import { type Clock, currentClock, systemClock } from '../time/clock.ts';
import { sfnWorkflowSignals } from '../workflow/sfn-signals.ts';
import { newId } from './ids.ts';

/**
 * Composition roots of the mail functions. SDK clients find local stand-ins through the standard
 * AWS_ENDPOINT_URL_* variables (S3, DynamoDB, Step Functions, SES), so the same code sends through
 * SES on AWS and through the local SES endpoint on a laptop.
 */
const clock: Clock = { now: () => currentClock().now() };

/** A client per composition (built with the deps, so a reset picks up a new endpoint). */
const secretsManager = () => new SecretsManagerClient({});

const documentClient = () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

/**
 * What writes received mail onto tickets: the stores and the ticket service, with the ban check, built
 * one way for the inbound function and the suspended-mail routes (releasing is intake like any other).
 */
function mailIntakeCore(env: {
  TABLE_NAME: string;
  BODY_BUCKET: string;
  STATE_MACHINE_ARN: string;
  S3_FORCE_PATH_STYLE: 'true' | 'false';
}) {
  const doc = documentClient();
  const s3 = new S3Client({ forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' });
  const ticketStore = dynamoTicketStore(doc, env.TABLE_NAME, s3BlobStore(s3, env.BODY_BUCKET));
  const bans = banService({ bans: dynamoBanStore(doc, env.TABLE_NAME), clock });
  return {
    mailStore: dynamoMailStore(doc, env.TABLE_NAME),
    ticketStore,
    bans,
    tickets: ticketService({
      store: ticketStore,
      clock,
      deskDefaults: deskDefaultsFor,
      signals: sfnWorkflowSignals(new SFNClient({}), env.STATE_MACHINE_ARN),
      bans,
      // Mail opens tickets and adds replies; it never assigns one.
      staff: NO_STAFF,
    }),
    objects: s3MailObjects(s3),
    clock,
    newId,
    bodyBucket: env.BODY_BUCKET,
  };
}

let inbound: MailIntakeDeps | undefined;
export function mailInboundDeps(): MailIntakeDeps {
  if (inbound) return inbound;
  const env = parseEnv(MailInboundEnv);
  inbound = {
    ...mailIntakeCore(env),
    mailBucket: env.MAIL_BUCKET,
    threadKeys: secretsManagerKeyring(secretsManager(), env.THREAD_TOKEN_SECRET_ID),
  };
  return inbound;
}

export interface MailOutboundDeps extends DeliveryDeps {
  mailStore: MailStore;
  port: OutboundMailPort;
  /** Paged reads for the outbound sweep. */
  pages: SweepPages;
  desks: string[];
}

let outbound: MailOutboundDeps | undefined;
export function mailOutboundDeps(): MailOutboundDeps {
  if (outbound) return outbound;
  const env = parseEnv(MailOutboundEnv);
  const doc = documentClient();
  const s3 = new S3Client({ forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' });
  const delivery: DeliveryDeps = {
    ticketStore: dynamoTicketStore(doc, env.TABLE_NAME, s3BlobStore(s3, env.BODY_BUCKET)),
    mailStore: dynamoMailStore(doc, env.TABLE_NAME),
    sender: sesMailSender(new SESClient({})),
    clock,
    // Leases guard sends in flight: always real time, whatever clock the business runs on.
    leaseClock: systemClock,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    surveyKeys: secretsManagerKeyring(secretsManager(), env.SURVEY_SECRET_ID),
    threadKeys: secretsManagerKeyring(secretsManager(), env.THREAD_TOKEN_SECRET_ID),
  };
  outbound = {
    ...delivery,
    mailStore: delivery.mailStore,
    port: outboundMailPort(delivery),
    pages: dynamoSweepPages(doc, env.TABLE_NAME),
    desks: env.DESKS.split(','),
  };
  return outbound;
}

let feedback: { mailStore: MailStore; clock: Clock } | undefined;
export function mailFeedbackDeps() {
  if (feedback) return feedback;
  const env = parseEnv(MailFeedbackEnv);
  feedback = { mailStore: dynamoMailStore(documentClient(), env.TABLE_NAME), clock };
  return feedback;
}

let suspended: SuspendedMailService | undefined;
/** Staff's suspended-mail routes: the same stores and ticket service the inbound function writes with. */
export function suspendedMailDeps(): SuspendedMailService {
  if (suspended) return suspended;
  suspended = suspendedMailService(mailIntakeCore(parseEnv(SuspendedMailEnv)));
  return suspended;
}

/** For the local stack and tests after they change the environment. */
export function resetMailDeps(): void {
  suspended = undefined;
  inbound = undefined;
  outbound = undefined;
  feedback = undefined;
}
