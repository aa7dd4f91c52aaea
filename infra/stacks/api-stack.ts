import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';
import { addApiOriginDomain, executeApiEndpointProps } from '../constructs/api-origin.ts';
import { throttleRoutes } from '../constructs/api-throttling.ts';
import {
  AppFunction,
  type AppFunctionSettings,
  type BindableBucket,
  type BindableStateMachine,
} from '../constructs/app-function.ts';
import { UserDirectory } from '../constructs/user-directory.ts';
import { acknowledgeGuardRule } from '../control-tower.ts';
import type { DataResources } from './data-stack.ts';
import {
  type ComplianceScheduling,
  complianceScheduling,
  grantDeadlineScheduling,
} from './schedules-stack.ts';

export interface ApiStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly data: DataResources;
  /** The per-ticket SLA workflow the API starts (new tickets) and wakes (changes). */
  readonly ticketWorkflow: BindableStateMachine;
}

/** What a route's `bind` may grant its function access to. */
export interface ApiResources extends DataResources {
  readonly ticketWorkflow: BindableStateMachine;
  /** DSAR and appeal deadline schedules (name-derived; see infra/stacks/schedules-stack.ts). */
  readonly compliance: ComplianceScheduling;
  /** The user pool, read as the staff directory. */
  readonly userPool: IUserPool;
}

/** One HTTP route backed by its own function. */
export interface ApiRoute {
  /** Construct id of the function, e.g. `CreateTicket`. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway path, e.g. `/tickets/{id}`. */
  readonly path: string;
  /** Handler file relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  /**
   * Grants exactly what the handler uses (and sets the matching environment variables). A route that
   * touches nothing (a pure computation) leaves this out.
   */
  readonly bind?: (fn: AppFunction, resources: ApiResources) => void;
  /**
   * A route without the JWT authorizer. Only for what customers reach without an account and that
   * checks its own credential: the signed survey link and the public status feeds.
   */
  readonly public?: { readonly reason: string; readonly environment?: Record<string, string> };
}

/**
 * Staff's suspended mail (docs/email.md, "Sender trust"): leads list, read, release and reject inbound
 * mail whose sender was not authenticated. Added by the app once the mail stack (which owns the
 * inbound bucket) exists. Releasing reads the raw mail and writes the ticket as the inbound function does.
 */
export function suspendedMailRoutes(mail: { inboundBucket: BindableBucket }): ApiRoute[] {
  const bindMailBucket = (fn: AppFunction) => fn.setEnvironment('MAIL_BUCKET', mail.inboundBucket.bucketName);
  return [
    {
      id: 'ListSuspendedMail',
      method: HttpMethod.GET,
      path: '/mail/suspended',
      entry: 'functions/mail/list-suspended-mail.ts',
      description: 'GET /mail/suspended: mail whose sender was not authenticated (lead+).',
      bind: (fn, { table }) => {
        fn.bindTable(table, { actions: ['Query'] });
        bindMailBucket(fn);
      },
    },
    {
      id: 'GetSuspendedMail',
      method: HttpMethod.GET,
      path: '/mail/suspended/{id}',
      entry: 'functions/mail/get-suspended-mail.ts',
      description: 'GET /mail/suspended/{id}: one suspended mail with its verdicts (lead+).',
      bind: (fn, { table }) => {
        fn.bindTable(table, { actions: ['GetItem'] });
        bindMailBucket(fn);
      },
    },
    {
      id: 'ReleaseSuspendedMail',
      method: HttpMethod.POST,
      path: '/mail/suspended/{id}/release',
      entry: 'functions/mail/release-suspended-mail.ts',
      description: 'POST /mail/suspended/{id}/release: to a named ticket or a new one (lead+).',
      // The suspended item and inbound record (GetItem, UpdateItem), the ticket (GetItem), the message and
      // new ticket (PutItem), the commit (UpdateItem); the raw mail; bodies and attachments; the workflow.
      bind: (fn, { table, bodyBucket, ticketWorkflow }) => {
        fn.bindTable(table, { actions: ['GetItem', 'PutItem', 'UpdateItem'] });
        fn.bindBucket(bodyBucket, { actions: ['PutObject'], prefix: 'bodies/' });
        fn.bindBucket(bodyBucket, { actions: ['PutObject'], prefix: 'attachments/' });
        fn.bindBucket(mail.inboundBucket, {
          actions: ['GetObject'],
          prefix: 'inbound/',
          environmentVariable: 'MAIL_BUCKET',
        });
        fn.bindStateMachine(ticketWorkflow, { actions: ['StartExecution', 'SendTaskSuccess'] });
      },
    },
    {
      id: 'RejectSuspendedMail',
      method: HttpMethod.POST,
      path: '/mail/suspended/{id}/reject',
      entry: 'functions/mail/reject-suspended-mail.ts',
      description: 'POST /mail/suspended/{id}/reject: with a reason; the mail reaches no ticket (lead+).',
      bind: (fn, { table }) => {
        fn.bindTable(table, { actions: ['GetItem', 'UpdateItem'] });
        bindMailBucket(fn);
      },
    },
  ];
}

/**
 * The ticket API. Adding a route is one entry here: the handler file, and the table/bucket/state machine
 * actions it uses (what `shared/tickets/service.ts` and `shared/store/ticket-store.ts` call for it).
 * `local/routes.ts` lists the same routes for the local stack; test/infra checks the two agree.
 */
export const TICKET_ROUTES: readonly ApiRoute[] = [
  {
    id: 'CreateTicket',
    method: HttpMethod.POST,
    path: '/tickets',
    entry: 'functions/tickets/create-ticket.ts',
    description: 'POST /tickets: opens a ticket (idempotent per Idempotency-Key).',
    // Idempotency claim (PutItem, GetItem on a replay), existence check (GetItem), message and ticket
    // (PutItem; long bodies to S3), then the ticket's workflow (StartExecution).
    bind: (fn, { table, bodyBucket, ticketWorkflow }) => {
      // BatchGetItem: the ban keys covering the requester; UpdateItem: counting a refused intake on the ban.
      fn.bindTable(table, { actions: ['PutItem', 'GetItem', 'BatchGetItem', 'UpdateItem'] });
      fn.bindBucket(bodyBucket, { actions: ['PutObject'], prefix: 'bodies/' });
      fn.bindStateMachine(ticketWorkflow, { actions: ['StartExecution'] });
    },
  },
  {
    id: 'GetTicket',
    method: HttpMethod.GET,
    path: '/tickets/{id}',
    entry: 'functions/tickets/get-ticket.ts',
    description: 'GET /tickets/{id}: a ticket with its visible messages.',
    // The ticket partition in one Query (ticket and message items); long bodies from S3.
    bind: (fn, { table, bodyBucket }) => {
      fn.bindTable(table, { actions: ['Query'] });
      fn.bindBucket(bodyBucket, { actions: ['GetObject'], prefix: 'bodies/' });
    },
  },
  {
    id: 'ListTickets',
    method: HttpMethod.GET,
    path: '/tickets',
    entry: 'functions/tickets/list-tickets.ts',
    description: 'GET /tickets: filtered, cursor-paginated ticket list.',
    bind: (fn, { table }) => {
      fn.bindTable(table, {
        actions: ['Query'],
        indexes: ['byDeskStatusDue', 'byRequester', 'byDataClassCreated'],
      });
    },
  },
  {
    id: 'AddMessage',
    method: HttpMethod.POST,
    path: '/tickets/{id}/messages',
    entry: 'functions/tickets/add-message.ts',
    description: 'POST /tickets/{id}/messages: a public reply or an internal note.',
    // Idempotency claim (PutItem, GetItem), the ticket (GetItem), the message (PutItem; long bodies to S3),
    // the commit (UpdateItem returning the task token), then waking the workflow (SendTaskSuccess);
    // the requester's ban keys (BatchGetItem) and a refusal counted on the ban (UpdateItem).
    bind: (fn, { table, bodyBucket, ticketWorkflow }) => {
      fn.bindTable(table, { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] });
      fn.bindBucket(bodyBucket, { actions: ['PutObject'], prefix: 'bodies/' });
      fn.bindStateMachine(ticketWorkflow, { actions: ['SendTaskSuccess'] });
    },
  },
  {
    id: 'UpdateTicket',
    method: HttpMethod.PATCH,
    path: '/tickets/{id}',
    entry: 'functions/tickets/update-ticket.ts',
    description: 'PATCH /tickets/{id}: status, priority, tier, assignee (If-Match version).',
    // The ticket (GetItem), the commit (UpdateItem returning the task token), waking the workflow.
    // An assignee must be a staff member of the desk: read from the user pool (the staff directory).
    bind: (fn, { table, ticketWorkflow, userPool }) => {
      fn.bindTable(table, { actions: ['GetItem', 'UpdateItem'] });
      fn.bindStateMachine(ticketWorkflow, { actions: ['SendTaskSuccess'] });
      fn.function.addToRolePolicy(
        new PolicyStatement({
          actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser'],
          resources: [userPool.userPoolArn],
        }),
      );
    },
  },
  {
    id: 'GetTicketSla',
    method: HttpMethod.GET,
    path: '/tickets/{id}/sla',
    entry: 'functions/tickets/get-ticket-sla.ts',
    description: 'GET /tickets/{id}/sla: clocks, deadlines, metric event log and applied SLA actions.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem'] });
    },
  },
];

/** SLA routes that are not about one ticket. */
export const SLA_ROUTES: readonly ApiRoute[] = [
  {
    id: 'PreviewSla',
    method: HttpMethod.POST,
    path: '/sla/preview',
    entry: 'functions/sla/preview-sla.ts',
    description: 'POST /sla/preview: every deadline and action for a hypothetical ticket; no side effects.',
    // Pure computation on the desk's policy pack: no table, bucket or workflow access.
  },
];

/** The desk's ban list (RareLogic's policy on abusive or fraudulent requesters). */
export const BAN_ROUTES: readonly ApiRoute[] = [
  {
    id: 'ListBans',
    method: HttpMethod.GET,
    path: '/bans',
    entry: 'functions/bans/list-bans.ts',
    description: 'GET /bans: the desk ban list with refused-attempt counts.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['Query'] });
    },
  },
  {
    id: 'AddBan',
    method: HttpMethod.POST,
    path: '/bans',
    entry: 'functions/bans/add-ban.ts',
    description: 'POST /bans: bans a requester from support (lead+).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['PutItem'] });
    },
  },
  {
    id: 'RemoveBan',
    method: HttpMethod.DELETE,
    path: '/bans/{email}',
    entry: 'functions/bans/remove-ban.ts',
    description: 'DELETE /bans/{email}: lifts a ban (lead+).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['DeleteItem'] });
    },
  },
];

/**
 * Compliance (docs/compliance.md): DSARs, billing appeals, legal holds, the retention dry run, the audit log,
 * and files filed on a ticket under a data class. Routes that move a deadline also manage its one-time
 * schedule (`grantDeadlineScheduling`).
 */
export const COMPLIANCE_ROUTES: readonly ApiRoute[] = [
  {
    id: 'AddAttachment',
    method: HttpMethod.POST,
    path: '/tickets/{id}/attachments',
    entry: 'functions/tickets/add-attachment.ts',
    description:
      'POST /tickets/{id}/attachments: files a log, recording or document on a ticket under a data class.',
    bind: (fn, { table, bodyBucket }) => {
      // The ticket (GetItem), the attachment item (PutItem), its bytes under attachments/.
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
      fn.bindBucket(bodyBucket, { actions: ['PutObject'], prefix: 'attachments/' });
    },
  },
  {
    id: 'CreateDsar',
    method: HttpMethod.POST,
    path: '/dsar',
    entry: 'functions/compliance/create-dsar.ts',
    description:
      'POST /dsar: a data subject request (access or erasure); a one-time code goes to the requester.',
    bind: (fn, { table, compliance }) => {
      // Idempotency claim and replay (PutItem, GetItem), the request and its audit entries (PutItem), its deadline
      // schedule; the requester's ban keys (BatchGetItem) and a refusal counted on the ban (UpdateItem).
      fn.bindTable(table, { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] });
      grantDeadlineScheduling(fn, compliance);
    },
  },
  {
    id: 'ListDsars',
    method: HttpMethod.GET,
    path: '/dsar',
    entry: 'functions/compliance/list-dsars.ts',
    description: 'GET /dsar: the desk’s data subject requests (staff) or the caller’s own.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['Query'], indexes: ['byDataClassCreated', 'byRequester'] });
    },
  },
  {
    id: 'GetDsar',
    method: HttpMethod.GET,
    path: '/dsar/{id}',
    entry: 'functions/compliance/get-dsar.ts',
    description: 'GET /dsar/{id}: one data subject request.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem'] });
    },
  },
  {
    id: 'SendDsarCode',
    method: HttpMethod.POST,
    path: '/dsar/{id}/verification',
    entry: 'functions/compliance/send-dsar-code.ts',
    description: 'POST /dsar/{id}/verification: mails the requester a new one-time code.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
    },
  },
  {
    id: 'VerifyDsar',
    method: HttpMethod.POST,
    path: '/dsar/{id}/verify',
    entry: 'functions/compliance/verify-dsar.ts',
    description: 'POST /dsar/{id}/verify: the requester’s code or a lead’s attestation.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
    },
  },
  {
    id: 'ExtendDsar',
    method: HttpMethod.POST,
    path: '/dsar/{id}/extension',
    entry: 'functions/compliance/extend-dsar.ts',
    description:
      'POST /dsar/{id}/extension: one extension with its reason (lead+), where the policy allows one.',
    bind: (fn, { table, compliance }) => {
      // The new due date moves the deadline schedule.
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
      grantDeadlineScheduling(fn, compliance);
    },
  },
  {
    id: 'RejectDsar',
    method: HttpMethod.POST,
    path: '/dsar/{id}/rejection',
    entry: 'functions/compliance/reject-dsar.ts',
    description: 'POST /dsar/{id}/rejection: closes a request unfulfilled, with the reason (lead+).',
    bind: (fn, { table, compliance }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
      grantDeadlineScheduling(fn, compliance);
    },
  },
  {
    id: 'ExportDsar',
    method: HttpMethod.POST,
    path: '/dsar/{id}/export',
    entry: 'functions/compliance/export-dsar.ts',
    description: 'POST /dsar/{id}/export: builds the access request’s export bundle (lead+ approves).',
    bind: (fn, { table, bodyBucket, compliance }) => {
      // The requester's tickets and records (byRequester), their partitions (Query on the table), bodies
      // and attachments (GetObject), the bundle (PutObject under exports/), the export record (PutItem).
      fn.bindTable(table, {
        actions: ['GetItem', 'PutItem', 'Query'],
        indexes: ['byRequester'],
        queryTable: true,
      });
      fn.bindBucket(bodyBucket, { actions: ['GetObject'], prefix: 'bodies/' });
      fn.bindBucket(bodyBucket, { actions: ['GetObject'], prefix: 'attachments/' });
      fn.bindBucket(bodyBucket, { actions: ['PutObject'], prefix: 'exports/' });
      grantDeadlineScheduling(fn, compliance);
    },
  },
  {
    id: 'DownloadDsarExport',
    method: HttpMethod.GET,
    path: '/dsar/{id}/export',
    entry: 'functions/compliance/download-dsar-export.ts',
    description: 'GET /dsar/{id}/export: the export bundle for the verified requester or a lead; audited.',
    bind: (fn, { table, bodyBucket }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
      fn.bindBucket(bodyBucket, { actions: ['GetObject'], prefix: 'exports/' });
    },
  },
  {
    id: 'EraseDsar',
    method: HttpMethod.POST,
    path: '/dsar/{id}/erasure',
    entry: 'functions/compliance/erase-dsar.ts',
    description:
      'POST /dsar/{id}/erasure: erases the requester’s personal data, keeping anonymous SLA statistics (lead+).',
    bind: (fn, { table, bodyBucket, compliance }) => {
      // The requester's tickets and records (byRequester), their partitions (Query), rewrites (PutItem),
      // attachments and other records (DeleteItem), bodies, HTML and files (DeleteObject), holds (GetItem).
      fn.bindTable(table, {
        actions: ['GetItem', 'PutItem', 'DeleteItem', 'Query'],
        indexes: ['byRequester'],
        queryTable: true,
      });
      fn.bindBucket(bodyBucket, { actions: ['DeleteObject'], prefix: 'bodies/' });
      fn.bindBucket(bodyBucket, { actions: ['DeleteObject'], prefix: 'attachments/' });
      grantDeadlineScheduling(fn, compliance);
    },
  },
  {
    id: 'CreateBillingAppeal',
    method: HttpMethod.POST,
    path: '/billing-appeals',
    entry: 'functions/compliance/create-billing-appeal.ts',
    description:
      'POST /billing-appeals: a billing appeal at the first stage of the desk’s process (or answered with the policy).',
    bind: (fn, { table, compliance }) => {
      // The ticket it names and the idempotency claim (GetItem, PutItem), the appeal, its first deadline;
      // the requester's ban keys (BatchGetItem) and a refusal counted on the ban (UpdateItem).
      fn.bindTable(table, { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] });
      grantDeadlineScheduling(fn, compliance);
    },
  },
  {
    id: 'ListBillingAppeals',
    method: HttpMethod.GET,
    path: '/billing-appeals',
    entry: 'functions/compliance/list-billing-appeals.ts',
    description: 'GET /billing-appeals: the desk’s billing appeals (staff) or the caller’s own.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['Query'], indexes: ['byDataClassCreated', 'byRequester'] });
    },
  },
  {
    id: 'GetBillingAppeal',
    method: HttpMethod.GET,
    path: '/billing-appeals/{id}',
    entry: 'functions/compliance/get-billing-appeal.ts',
    description:
      'GET /billing-appeals/{id}: one appeal; billing figures only after identity verification where required.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem'] });
    },
  },
  {
    id: 'DecideBillingAppeal',
    method: HttpMethod.POST,
    path: '/billing-appeals/{id}/decision',
    entry: 'functions/compliance/decide-billing-appeal.ts',
    description:
      'POST /billing-appeals/{id}/decision: approve, deny or escalate at the current stage; refund issued.',
    bind: (fn, { table, compliance }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
      grantDeadlineScheduling(fn, compliance);
    },
  },
  {
    id: 'SendBillingAppealCode',
    method: HttpMethod.POST,
    path: '/billing-appeals/{id}/verification',
    entry: 'functions/compliance/send-billing-appeal-code.ts',
    description: 'POST /billing-appeals/{id}/verification: mails the requester a new one-time code.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
    },
  },
  {
    id: 'VerifyBillingAppeal',
    method: HttpMethod.POST,
    path: '/billing-appeals/{id}/verify',
    entry: 'functions/compliance/verify-billing-appeal.ts',
    description:
      'POST /billing-appeals/{id}/verify: identity verification before billing information is released.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
    },
  },
  {
    id: 'SetLegalHold',
    method: HttpMethod.POST,
    path: '/legal-holds',
    entry: 'functions/compliance/set-legal-hold.ts',
    description: 'POST /legal-holds: holds a ticket or a requester against purges and erasure (lead+).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
    },
  },
  {
    id: 'ListLegalHolds',
    method: HttpMethod.GET,
    path: '/legal-holds',
    entry: 'functions/compliance/list-legal-holds.ts',
    description: 'GET /legal-holds: the desk’s legal holds (staff).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['Query'], indexes: ['byDataClassCreated'] });
    },
  },
  {
    id: 'ReleaseLegalHold',
    method: HttpMethod.POST,
    path: '/legal-holds/{id}/release',
    entry: 'functions/compliance/release-legal-hold.ts',
    description: 'POST /legal-holds/{id}/release: releases a hold, with the reason (lead+).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
    },
  },
  {
    id: 'PreviewRetention',
    method: HttpMethod.POST,
    path: '/retention/preview',
    entry: 'functions/compliance/preview-retention.ts',
    description:
      'POST /retention/preview: the retention purge’s dry run, one page at a time; writes nothing (lead+).',
    bind: (fn, { table }) => {
      // Read only: pages of each data class (byDataClassCreated), holds and tickets (GetItem).
      fn.bindTable(table, { actions: ['GetItem', 'Query'], indexes: ['byDataClassCreated'] });
    },
  },
  {
    id: 'ListComplianceAudit',
    method: HttpMethod.GET,
    path: '/compliance/audit',
    entry: 'functions/compliance/list-compliance-audit.ts',
    description: 'GET /compliance/audit: the desk’s compliance audit log in time order (managers, ops).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['Query'], indexes: ['byDataClassCreated'] });
    },
  },
];

/** The ops console's API (issue 9): queue, execution histories, KPIs, incidents. Staff only. */
export const OPS_ROUTES: readonly ApiRoute[] = [
  {
    id: 'GetQueue',
    method: HttpMethod.GET,
    path: '/queue',
    entry: 'functions/ops/get-queue.ts',
    description: 'GET /queue: the desk queue by next SLA deadline with time left and risk.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['Query'], indexes: ['byDeskStatusDue'] });
    },
  },
  {
    id: 'GetTicketHistory',
    method: HttpMethod.GET,
    path: '/tickets/{id}/history',
    entry: 'functions/ops/get-ticket-history.ts',
    description: 'GET /tickets/{id}/history: the ticket workflow execution history as readable steps.',
    bind: (fn, { table, ticketWorkflow }) => {
      fn.bindTable(table, { actions: ['GetItem'] });
      fn.bindStateMachine(ticketWorkflow, { executionActions: ['DescribeExecution', 'GetExecutionHistory'] });
    },
  },
  {
    id: 'GetKpis',
    method: HttpMethod.GET,
    path: '/kpis',
    entry: 'functions/kpis/get-kpis.ts',
    description: 'GET /kpis: KPIs per desk and period against the pack targets.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['Query'], indexes: ['byDataClassCreated', 'byDeskStatusDue'] });
    },
  },
  {
    id: 'CreateIncident',
    method: HttpMethod.POST,
    path: '/incidents',
    entry: 'functions/incidents/create-incident.ts',
    description: 'POST /incidents: an incident on the status feed (ops).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['PutItem', 'GetItem'] });
    },
  },
  {
    id: 'ListIncidents',
    method: HttpMethod.GET,
    path: '/incidents',
    entry: 'functions/incidents/list-incidents.ts',
    description: 'GET /incidents: the desk incidents.',
    // Incidents newest first (shared/store/incident-store.ts list): the data-class index only.
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['Query'], indexes: ['byDataClassCreated'] });
    },
  },
  {
    id: 'GetIncident',
    method: HttpMethod.GET,
    path: '/incidents/{id}',
    entry: 'functions/incidents/get-incident.ts',
    description: 'GET /incidents/{id}: one incident with its updates.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem'] });
    },
  },
  {
    id: 'UpdateIncident',
    method: HttpMethod.PATCH,
    path: '/incidents/{id}',
    entry: 'functions/incidents/update-incident.ts',
    description: 'PATCH /incidents/{id}: status updates and resolution (ops).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem'] });
    },
  },
];

/**
 * Routes customers reach without an account: the survey behind the signed link in closure mail, and
 * the public status feeds. Added by the app once the mail stack (which owns the survey secret) exists.
 */
export function publicRoutes(env: { surveySecret: string; publicBaseUrl: string }): ApiRoute[] {
  const surveyEnv = { SURVEY_SECRET: env.surveySecret };
  const feedEnv = { PUBLIC_BASE_URL: env.publicBaseUrl };
  const survey =
    'the survey link is HMAC-signed per desk and ticket; the handler verifies it and records one score';
  const feed = 'the status feed is public by design (Acentus and TechFlow publish status pages)';
  return [
    {
      id: 'GetSurvey',
      method: HttpMethod.GET,
      path: '/survey/{desk}/{ticketId}',
      entry: 'functions/survey/get-survey.ts',
      description: 'GET /survey/{desk}/{ticketId}: the CSAT/NPS page behind a signed link.',
      public: { reason: survey, environment: surveyEnv },
      bind: (fn, { table }) => {
        fn.bindTable(table, { actions: ['GetItem'] });
      },
    },
    {
      id: 'SubmitSurvey',
      method: HttpMethod.POST,
      path: '/survey/{desk}/{ticketId}',
      entry: 'functions/survey/submit-survey.ts',
      description: 'POST /survey/{desk}/{ticketId}: records one score per ticket.',
      public: { reason: survey, environment: surveyEnv },
      bind: (fn, { table }) => {
        // The ticket and the answer (GetItem, PutItem); the requester's ban keys and a refusal counted on the ban.
        fn.bindTable(table, { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] });
      },
    },
    {
      id: 'GetStatusJson',
      method: HttpMethod.GET,
      path: '/desks/{desk}/status.json',
      entry: 'functions/status/get-status-json.ts',
      description: 'GET /desks/{desk}/status.json: public incident feed (JSON).',
      public: { reason: feed, environment: feedEnv },
      bind: (fn, { table }) => {
        fn.bindTable(table, { actions: ['Query'], indexes: ['byDataClassCreated'] });
      },
    },
    {
      id: 'GetStatusRss',
      method: HttpMethod.GET,
      path: '/desks/{desk}/status.rss',
      entry: 'functions/status/get-status-rss.ts',
      description: 'GET /desks/{desk}/status.rss: public incident feed (RSS 2.0).',
      public: { reason: feed, environment: feedEnv },
      bind: (fn, { table }) => {
        fn.bindTable(table, { actions: ['Query'], indexes: ['byDataClassCreated'] });
      },
    },
  ];
}

/** Every route of the HTTP API. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...TICKET_ROUTES,
  ...SLA_ROUTES,
  ...BAN_ROUTES,
  ...COMPLIANCE_ROUTES,
  ...OPS_ROUTES,
];

/** API access log line: one JSON object per request, no headers, no bodies, no tokens. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    error: '$context.error.message',
  }),
);

/**
 * The HTTPS API: an API Gateway HTTP API (see docs/decisions.md, "HTTP API, not REST API") with a Cognito
 * JWT authorizer on every route, one AppFunction per route, stage access logs and default throttling.
 * CORS is off: callers are servers and apps, not browsers on other origins (turn on per deployment).
 */
export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly users: UserDirectory;
  readonly functionSettings: AppFunctionSettings;
  /** Functions by route id, e.g. `functions.CreateTicket`. */
  readonly functions: Record<string, AppFunction> = {};
  /** Variables every API handler reads besides its bindings (see `shared/config/env.ts`). */
  readonly handlerEnvironment: Readonly<Record<string, string>>;

  private readonly resources: ApiResources;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, data } = props;

    this.functionSettings = {
      logRetention: config.logRetentionDays as RetentionDays,
      logEncryptionKey: data.keys.logs,
      logRemovalPolicy: config.removeDataOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      serviceName: 'tierdesk',
      tracing: config.observability.tracing,
    };

    this.users = new UserDirectory(this, 'Users', { config, functionSettings: this.functionSettings });
    this.resources = {
      ...data,
      ticketWorkflow: props.ticketWorkflow,
      compliance: complianceScheduling(this, config),
      userPool: this.users.userPool,
    };

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `tierdesk-${config.envName}`,
      description: 'tierdesk ticket API',
      createDefaultStage: false,
      // Off when the API sits behind CloudFront on a custom origin domain (infra/constructs/api-origin.ts).
      ...executeApiEndpointProps(config),
      defaultAuthorizer: new HttpJwtAuthorizer('CognitoJwt', this.users.issuer, {
        jwtAudience: this.users.audiences,
      }),
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as RetentionDays,
      encryptionKey: data.keys.logs,
      removalPolicy: this.functionSettings.logRemovalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.apiThrottle.rateLimit, burstLimit: config.apiThrottle.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
    throttleRoutes(this.api, this.stage, config);
    addApiOriginDomain(this.api, this.stage, config);
    acknowledgeGuardRule(
      this.api,
      'lambda_function_public_access_prohibited_check',
      'Each route’s invoke permission names this API as its source (SourceArn of the route’s execute-api ' +
        'ARN); the rule reads only literal or same-template SourceArn values, not the Fn::Join that builds it.',
    );

    this.handlerEnvironment = {
      JWT_ISSUER: this.users.issuer,
      JWT_AUDIENCE: this.users.audiences.join(','),
      JWKS_URL: this.users.jwksUrl,
      // Every API handler's config (ApiEnv) requires these, including handlers granted no access to them;
      // the bindings set the same values where they grant access.
      TABLE_NAME: data.table.tableName,
      BODY_BUCKET: data.bodyBucket.bucketName,
      STATE_MACHINE_ARN: props.ticketWorkflow.stateMachineArn,
      USER_POOL_ID: this.users.userPool.userPoolId,
    };

    for (const route of API_ROUTES) this.addRoute(route);

    new CfnOutput(this, 'ApiUrl', {
      value: config.apiOriginDomain ? `https://${config.apiOriginDomain.domainName}/` : this.stage.url,
    });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'AppClientId', { value: this.users.appClient.userPoolClientId });
  }

  /** Adds a route with its own AppFunction; the API's JWT authorizer applies to it automatically. */
  addRoute(route: ApiRoute): AppFunction {
    if (this.functions[route.id]) throw new Error(`ApiStack: route id ${route.id} is used twice`);
    const fn = new AppFunction(this, route.id, {
      entry: route.entry,
      description: route.description,
      settings: this.functionSettings,
      environment: { ...this.handlerEnvironment, ...route.public?.environment },
    });
    route.bind?.(fn, this.resources);
    const routes = this.api.addRoutes({
      path: route.path,
      methods: [route.method],
      integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
      // Public routes check their own credential (a signed link) or serve public data.
      ...(route.public ? { authorizer: new HttpNoneAuthorizer() } : {}),
    });
    if (route.public) {
      for (const r of routes)
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `Public by design: ${route.public.reason}.`,
        });
      for (const r of routes)
        acknowledgeGuardRule(
          r,
          'api_gw_v2_authorization_type_configured_check',
          `Public by design: ${route.public.reason}.`,
        );
    }
    this.functions[route.id] = fn;
    return fn;
  }
}
