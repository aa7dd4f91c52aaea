import type { FunctionAccess } from './access.ts';

/**
 * Every route of the HTTP API, declared once. infra/ gives each its own Lambda function with exactly the
 * listed access, behind the JWT authorizer unless `auth` says otherwise, with the route's throttle; the
 * local stack serves the same routes with the same handler modules. Adding a route is one entry here plus
 * its handler file (and the authorisation matrix in test/e2e fails until the route has its row there).
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** How a route authenticates its caller. */
export type RouteAuth =
  /** The API's JWT authorizer, then the handler checks role, desk and ownership. */
  | { readonly kind: 'jwt' }
  /** No token: the handler verifies a signed link itself. */
  | { readonly kind: 'signed-link'; readonly reason: string }
  /** No token: public data by design. */
  | { readonly kind: 'public-read'; readonly reason: string };

export interface ApiRouteEntry {
  /** Names the function: construct id on AWS (`CreateTicket`), e.g. in alarms and logs. */
  readonly id: string;
  /** The part of the API it belongs to (docs and stack layout). */
  readonly group: 'tickets' | 'sla' | 'bans' | 'mail' | 'compliance' | 'ops' | 'public';
  readonly method: HttpMethod;
  /** API Gateway path, e.g. `/tickets/{id}`. */
  readonly path: string;
  /** Handler file relative to the repository root; it exports `handler`. */
  readonly handler: string;
  /** One sentence for the console and for whoever reads an alarm. */
  readonly description: string;
  readonly auth: RouteAuth;
  /**
   * Requests per second for this route, below the stage default: routes that write and start or wake a
   * workflow, run a heavy computation, or change who may use support. A deployment may override it.
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  readonly access: FunctionAccess;
}

const SIGNED_SURVEY_LINK =
  'the survey link is HMAC-signed per desk and ticket; the handler verifies it and records one score';
const SIGNED_CONSENT_LINK =
  'the consent link is HMAC-signed per desk, ticket and request (survey keyring, its own purpose); opening it decides nothing, its form records one answer';
const PUBLIC_STATUS_FEED = 'the status feed is public by design (Acentus and TechFlow publish status pages)';
/**
 * The public routes' own limits (no token, so no desk quota): a customer opens a survey once and answers
 * once; status pages poll. Their own buckets keep a flood of them from taking staff routes' capacity.
 */
const SURVEY_THROTTLE = { rateLimit: 5, burstLimit: 10 };
const STATUS_FEED_THROTTLE = { rateLimit: 10, burstLimit: 20 };

export const API_ROUTES: readonly ApiRouteEntry[] = [
  // Staff's suspended mail (docs/email.md, "Sender trust"): mail whose sender was not authenticated.
  {
    id: 'ListSuspendedMail',
    group: 'mail',
    method: 'GET',
    path: '/mail/suspended',
    handler: 'functions/mail/list-suspended-mail.ts',
    description: 'GET /mail/suspended: mail whose sender was not authenticated (lead+).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['Query'] }, inboundMailBucketName: true },
  },
  {
    id: 'GetSuspendedMail',
    group: 'mail',
    method: 'GET',
    path: '/mail/suspended/{id}',
    handler: 'functions/mail/get-suspended-mail.ts',
    description: 'GET /mail/suspended/{id}: one suspended mail with its verdicts (lead+).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem'] }, inboundMailBucketName: true },
  },
  {
    id: 'ReleaseSuspendedMail',
    group: 'mail',
    method: 'POST',
    path: '/mail/suspended/{id}/release',
    handler: 'functions/mail/release-suspended-mail.ts',
    description: 'POST /mail/suspended/{id}/release: to a named ticket or a new one (lead+).',
    auth: { kind: 'jwt' },
    // The suspended item and inbound record (GetItem, UpdateItem), the ticket (GetItem), the message and
    // new ticket (PutItem), the commit (UpdateItem); the requester's ban keys (BatchGetItem); the raw mail;
    // bodies and attachments; the workflow.
    access: {
      table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
      bodies: [
        { actions: ['PutObject'], prefix: 'bodies/' },
        { actions: ['PutObject'], prefix: 'attachments/' },
      ],
      inboundMail: { actions: ['GetObject'], prefix: 'inbound/' },
      ticketWorkflow: { actions: ['StartExecution', 'SendTaskSuccess'] },
    },
  },
  {
    id: 'RejectSuspendedMail',
    group: 'mail',
    method: 'POST',
    path: '/mail/suspended/{id}/reject',
    handler: 'functions/mail/reject-suspended-mail.ts',
    description: 'POST /mail/suspended/{id}/reject: with a reason; the mail reaches no ticket (lead+).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'UpdateItem'] }, inboundMailBucketName: true },
  },
  // Each new ticket starts a Standard workflow execution (StartExecution is a throttled, billed call).
  {
    id: 'CreateTicket',
    group: 'tickets',
    method: 'POST',
    path: '/tickets',
    handler: 'functions/tickets/create-ticket.ts',
    description: 'POST /tickets: opens a ticket (idempotent per Idempotency-Key).',
    auth: { kind: 'jwt' },
    throttle: { rateLimit: 10, burstLimit: 20 },
    // Idempotency claim (PutItem, GetItem on a replay), existence check on a replay (GetItem), message and
    // ticket (BatchWriteItem under a fresh id, else PutItem; long bodies to S3), then the ticket's workflow
    // (StartExecution). BatchGetItem: the ban keys covering the requester; UpdateItem: counting a refused
    // intake on the ban.
    access: {
      table: { actions: ['PutItem', 'GetItem', 'BatchGetItem', 'BatchWriteItem', 'UpdateItem'] },
      bodies: [{ actions: ['PutObject'], prefix: 'bodies/' }],
      ticketWorkflow: { actions: ['StartExecution'] },
    },
  },
  {
    id: 'GetTicket',
    group: 'tickets',
    method: 'GET',
    path: '/tickets/{id}',
    handler: 'functions/tickets/get-ticket.ts',
    description: 'GET /tickets/{id}: a ticket with its visible messages.',
    auth: { kind: 'jwt' },
    // The ticket partition in one Query (ticket and message items); long bodies from S3. Staff views: the
    // ticket's consents (Query) and a record of each opening of private data under one (GetItem, PutItem).
    access: {
      table: { actions: ['Query', 'GetItem', 'PutItem'] },
      bodies: [{ actions: ['GetObject'], prefix: 'bodies/' }],
    },
  },
  {
    id: 'ListTickets',
    group: 'tickets',
    method: 'GET',
    path: '/tickets',
    handler: 'functions/tickets/list-tickets.ts',
    description: 'GET /tickets: filtered, cursor-paginated ticket list.',
    auth: { kind: 'jwt' },
    access: {
      table: {
        actions: ['BatchGetItem', 'Query'],
        indexes: ['byDeskStatusDue', 'byRequester', 'byDataClassCreated'],
      },
    },
  },
  {
    id: 'AddMessage',
    group: 'tickets',
    method: 'POST',
    path: '/tickets/{id}/messages',
    handler: 'functions/tickets/add-message.ts',
    description: 'POST /tickets/{id}/messages: a public reply or an internal note.',
    auth: { kind: 'jwt' },
    throttle: { rateLimit: 20, burstLimit: 40 },
    // Idempotency claim (PutItem, GetItem), the ticket (GetItem), the message (PutItem; long bodies to S3),
    // the commit (UpdateItem returning the task token), then waking the workflow (SendTaskSuccess);
    // the requester's ban keys (BatchGetItem) and a refusal counted on the ban (UpdateItem).
    access: {
      table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
      bodies: [{ actions: ['PutObject'], prefix: 'bodies/' }],
      ticketWorkflow: { actions: ['SendTaskSuccess'] },
    },
  },
  {
    id: 'UpdateTicket',
    group: 'tickets',
    method: 'PATCH',
    path: '/tickets/{id}',
    handler: 'functions/tickets/update-ticket.ts',
    description: 'PATCH /tickets/{id}: status, priority, tier, assignee (If-Match version).',
    auth: { kind: 'jwt' },
    throttle: { rateLimit: 20, burstLimit: 40 },
    // The ticket (GetItem), the commit (UpdateItem returning the task token), waking the workflow
    // (SendTaskSuccess; a closing ends its loop with SendTaskFailure Workflow.Closed).
    // An assignee must be a staff member of the desk: read from the user pool (the staff directory).
    access: {
      table: { actions: ['GetItem', 'UpdateItem'] },
      ticketWorkflow: { actions: ['SendTaskSuccess', 'SendTaskFailure'] },
      staffDirectory: true,
    },
  },
  {
    id: 'GetTicketSla',
    group: 'tickets',
    method: 'GET',
    path: '/tickets/{id}/sla',
    handler: 'functions/tickets/get-ticket-sla.ts',
    description: 'GET /tickets/{id}/sla: clocks, deadlines, metric event log and applied SLA actions.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem'] } },
  },

  // Pure computation over a whole SLA timeline: CPU per call, nothing stored.
  {
    id: 'PreviewSla',
    group: 'sla',
    method: 'POST',
    path: '/sla/preview',
    handler: 'functions/sla/preview-sla.ts',
    description: 'POST /sla/preview: every deadline and action for a hypothetical ticket; no side effects.',
    auth: { kind: 'jwt' },
    throttle: { rateLimit: 5, burstLimit: 10 },
    // Pure computation on the desk's policy pack: no table, bucket or workflow access.
    access: {},
  },

  {
    id: 'ListBans',
    group: 'bans',
    method: 'GET',
    path: '/bans',
    handler: 'functions/bans/list-bans.ts',
    description: 'GET /bans: the desk ban list with refused-attempt counts.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['Query'] } },
  },
  {
    id: 'AddBan',
    group: 'bans',
    method: 'POST',
    path: '/bans',
    handler: 'functions/bans/add-ban.ts',
    description: 'POST /bans: bans a requester from support (lead+).',
    auth: { kind: 'jwt' },
    throttle: { rateLimit: 5, burstLimit: 10 },
    access: { table: { actions: ['PutItem'] } },
  },
  {
    id: 'RemoveBan',
    group: 'bans',
    method: 'DELETE',
    path: '/bans/{email}',
    handler: 'functions/bans/remove-ban.ts',
    description: 'DELETE /bans/{email}: lifts a ban (lead+).',
    auth: { kind: 'jwt' },
    throttle: { rateLimit: 5, burstLimit: 10 },
    access: { table: { actions: ['DeleteItem'] } },
  },

  {
    id: 'AddAttachment',
    group: 'compliance',
    method: 'POST',
    path: '/tickets/{id}/attachments',
    handler: 'functions/tickets/add-attachment.ts',
    description:
      'POST /tickets/{id}/attachments: files a log, recording or document on a ticket under a data class.',
    auth: { kind: 'jwt' },
    // The ticket (GetItem), the attachment item (PutItem), its bytes under attachments/.
    access: {
      table: { actions: ['GetItem', 'PutItem'] },
      bodies: [{ actions: ['PutObject'], prefix: 'attachments/' }],
    },
  },
  {
    id: 'CreateDsar',
    group: 'compliance',
    method: 'POST',
    path: '/dsar',
    handler: 'functions/compliance/create-dsar.ts',
    description:
      'POST /dsar: a data subject request (access or erasure); a one-time code goes to the requester.',
    auth: { kind: 'jwt' },
    // Idempotency claim and replay (PutItem, GetItem), the request and its audit entries (PutItem), its deadline
    // schedule; the requester's ban keys (BatchGetItem) and a refusal counted on the ban (UpdateItem).
    access: {
      table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
      complianceSchedules: true,
    },
  },
  {
    id: 'ListDsars',
    group: 'compliance',
    method: 'GET',
    path: '/dsar',
    handler: 'functions/compliance/list-dsars.ts',
    description: 'GET /dsar: the desk’s data subject requests (staff) or the caller’s own.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['BatchGetItem', 'Query'], indexes: ['byDataClassCreated', 'byRequester'] } },
  },
  {
    id: 'GetDsar',
    group: 'compliance',
    method: 'GET',
    path: '/dsar/{id}',
    handler: 'functions/compliance/get-dsar.ts',
    description: 'GET /dsar/{id}: one data subject request.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem'] } },
  },
  {
    id: 'SendDsarCode',
    group: 'compliance',
    method: 'POST',
    path: '/dsar/{id}/verification',
    handler: 'functions/compliance/send-dsar-code.ts',
    description: 'POST /dsar/{id}/verification: mails the requester a new one-time code.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] } },
  },
  {
    id: 'VerifyDsar',
    group: 'compliance',
    method: 'POST',
    path: '/dsar/{id}/verify',
    handler: 'functions/compliance/verify-dsar.ts',
    description: 'POST /dsar/{id}/verify: the requester’s code or a lead’s attestation.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] } },
  },
  {
    id: 'ExtendDsar',
    group: 'compliance',
    method: 'POST',
    path: '/dsar/{id}/extension',
    handler: 'functions/compliance/extend-dsar.ts',
    description:
      'POST /dsar/{id}/extension: one extension with its reason (lead+), where the policy allows one.',
    auth: { kind: 'jwt' },
    // The new due date moves the deadline schedule.
    access: { table: { actions: ['GetItem', 'PutItem'] }, complianceSchedules: true },
  },
  {
    id: 'RejectDsar',
    group: 'compliance',
    method: 'POST',
    path: '/dsar/{id}/rejection',
    handler: 'functions/compliance/reject-dsar.ts',
    description: 'POST /dsar/{id}/rejection: closes a request unfulfilled, with the reason (lead+).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] }, complianceSchedules: true },
  },
  {
    id: 'ExportDsar',
    group: 'compliance',
    method: 'POST',
    path: '/dsar/{id}/export',
    handler: 'functions/compliance/export-dsar.ts',
    description: 'POST /dsar/{id}/export: builds the access request’s export bundle (lead+ approves).',
    auth: { kind: 'jwt' },
    // The requester's tickets and records (byRequester), their partitions (Query on the table), bodies
    // and attachments (GetObject), the bundle (PutObject under exports/), the export record (PutItem).
    access: {
      table: {
        actions: ['BatchGetItem', 'GetItem', 'PutItem', 'Query'],
        indexes: ['byRequester'],
        queryTable: true,
      },
      bodies: [
        { actions: ['GetObject'], prefix: 'bodies/' },
        { actions: ['GetObject'], prefix: 'attachments/' },
        { actions: ['PutObject'], prefix: 'exports/' },
      ],
      complianceSchedules: true,
    },
  },
  {
    id: 'DownloadDsarExport',
    group: 'compliance',
    method: 'GET',
    path: '/dsar/{id}/export',
    handler: 'functions/compliance/download-dsar-export.ts',
    description: 'GET /dsar/{id}/export: the export bundle for the verified requester or a lead; audited.',
    auth: { kind: 'jwt' },
    access: {
      table: { actions: ['GetItem', 'PutItem'] },
      bodies: [{ actions: ['GetObject'], prefix: 'exports/' }],
    },
  },
  {
    id: 'EraseDsar',
    group: 'compliance',
    method: 'POST',
    path: '/dsar/{id}/erasure',
    handler: 'functions/compliance/erase-dsar.ts',
    description:
      'POST /dsar/{id}/erasure: erases the requester’s personal data, keeping anonymous SLA statistics (lead+).',
    auth: { kind: 'jwt' },
    // The requester's tickets and records (byRequester), their partitions (Query), rewrites (PutItem),
    // attachments and other records (DeleteItem), bodies, HTML and files (DeleteObject), holds (GetItem).
    access: {
      table: {
        actions: ['BatchGetItem', 'GetItem', 'PutItem', 'DeleteItem', 'Query'],
        indexes: ['byRequester'],
        queryTable: true,
      },
      bodies: [
        { actions: ['DeleteObject'], prefix: 'bodies/' },
        { actions: ['DeleteObject'], prefix: 'attachments/' },
      ],
      complianceSchedules: true,
    },
  },
  {
    id: 'CreateBillingAppeal',
    group: 'compliance',
    method: 'POST',
    path: '/billing-appeals',
    handler: 'functions/compliance/create-billing-appeal.ts',
    description:
      'POST /billing-appeals: a billing appeal at the first stage of the desk’s process (or answered with the policy).',
    auth: { kind: 'jwt' },
    // The ticket it names and the idempotency claim (GetItem, PutItem), the appeal, its first deadline;
    // the requester's ban keys (BatchGetItem) and a refusal counted on the ban (UpdateItem).
    access: {
      table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
      complianceSchedules: true,
    },
  },
  {
    id: 'ListBillingAppeals',
    group: 'compliance',
    method: 'GET',
    path: '/billing-appeals',
    handler: 'functions/compliance/list-billing-appeals.ts',
    description: 'GET /billing-appeals: the desk’s billing appeals (staff) or the caller’s own.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['BatchGetItem', 'Query'], indexes: ['byDataClassCreated', 'byRequester'] } },
  },
  {
    id: 'GetBillingAppeal',
    group: 'compliance',
    method: 'GET',
    path: '/billing-appeals/{id}',
    handler: 'functions/compliance/get-billing-appeal.ts',
    description:
      'GET /billing-appeals/{id}: one appeal; billing figures only after identity verification where required.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem'] } },
  },
  {
    id: 'DecideBillingAppeal',
    group: 'compliance',
    method: 'POST',
    path: '/billing-appeals/{id}/decision',
    handler: 'functions/compliance/decide-billing-appeal.ts',
    description:
      'POST /billing-appeals/{id}/decision: approve, deny or escalate at the current stage; refund issued.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] }, complianceSchedules: true },
  },
  {
    id: 'SendBillingAppealCode',
    group: 'compliance',
    method: 'POST',
    path: '/billing-appeals/{id}/verification',
    handler: 'functions/compliance/send-billing-appeal-code.ts',
    description: 'POST /billing-appeals/{id}/verification: mails the requester a new one-time code.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] } },
  },
  {
    id: 'VerifyBillingAppeal',
    group: 'compliance',
    method: 'POST',
    path: '/billing-appeals/{id}/verify',
    handler: 'functions/compliance/verify-billing-appeal.ts',
    description:
      'POST /billing-appeals/{id}/verify: identity verification before billing information is released.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] } },
  },
  {
    id: 'SetLegalHold',
    group: 'compliance',
    method: 'POST',
    path: '/legal-holds',
    handler: 'functions/compliance/set-legal-hold.ts',
    description: 'POST /legal-holds: holds a ticket or a requester against purges and erasure (lead+).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] } },
  },
  {
    id: 'ListLegalHolds',
    group: 'compliance',
    method: 'GET',
    path: '/legal-holds',
    handler: 'functions/compliance/list-legal-holds.ts',
    description: 'GET /legal-holds: the desk’s legal holds (staff).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['BatchGetItem', 'Query'], indexes: ['byDataClassCreated'] } },
  },
  {
    id: 'ReleaseLegalHold',
    group: 'compliance',
    method: 'POST',
    path: '/legal-holds/{id}/release',
    handler: 'functions/compliance/release-legal-hold.ts',
    description: 'POST /legal-holds/{id}/release: releases a hold, with the reason (lead+).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] } },
  },
  {
    id: 'PreviewRetention',
    group: 'compliance',
    method: 'POST',
    path: '/retention/preview',
    handler: 'functions/compliance/preview-retention.ts',
    description:
      'POST /retention/preview: the retention purge’s dry run, one page at a time; writes nothing (lead+).',
    auth: { kind: 'jwt' },
    // Read only: pages of each data class (byDataClassCreated), holds and tickets (GetItem).
    access: { table: { actions: ['BatchGetItem', 'GetItem', 'Query'], indexes: ['byDataClassCreated'] } },
  },
  {
    id: 'ListComplianceAudit',
    group: 'compliance',
    method: 'GET',
    path: '/compliance/audit',
    handler: 'functions/compliance/list-compliance-audit.ts',
    description: 'GET /compliance/audit: the desk’s compliance audit log in time order (managers, ops).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['BatchGetItem', 'Query'], indexes: ['byDataClassCreated'] } },
  },

  {
    id: 'GetQueue',
    group: 'ops',
    method: 'GET',
    path: '/queue',
    handler: 'functions/ops/get-queue.ts',
    description: 'GET /queue: the desk queue by next SLA deadline with time left and risk.',
    auth: { kind: 'jwt' },
    // The index lists the tickets; the tickets by key, and a ticket's moved-out activity by a Query of its partition.
    access: {
      table: { actions: ['BatchGetItem', 'Query'], indexes: ['byDeskStatusDue'], queryTable: true },
    },
  },
  {
    id: 'GetTicketHistory',
    group: 'ops',
    method: 'GET',
    path: '/tickets/{id}/history',
    handler: 'functions/ops/get-ticket-history.ts',
    description: 'GET /tickets/{id}/history: the ticket workflow execution history as readable steps.',
    auth: { kind: 'jwt' },
    access: {
      table: { actions: ['GetItem'] },
      ticketWorkflow: { executionActions: ['DescribeExecution', 'GetExecutionHistory'] },
    },
  },
  {
    id: 'GetKpis',
    group: 'ops',
    method: 'GET',
    path: '/kpis',
    handler: 'functions/kpis/get-kpis.ts',
    description: 'GET /kpis: KPIs per desk and period against the pack targets.',
    auth: { kind: 'jwt' },
    // The desk's daily roll-ups (table partition) and its open backlog (byDeskStatusDue).
    access: { table: { actions: ['Query'], indexes: ['byDeskStatusDue'], queryTable: true } },
  },
  {
    id: 'CreateIncident',
    group: 'ops',
    method: 'POST',
    path: '/incidents',
    handler: 'functions/incidents/create-incident.ts',
    description: 'POST /incidents: an incident on the status feed (ops).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['PutItem', 'GetItem'] } },
  },
  {
    id: 'ListIncidents',
    group: 'ops',
    method: 'GET',
    path: '/incidents',
    handler: 'functions/incidents/list-incidents.ts',
    description: 'GET /incidents: the desk incidents.',
    auth: { kind: 'jwt' },
    // Incidents newest first (shared/store/incident-store.ts list): the data-class index only.
    access: { table: { actions: ['BatchGetItem', 'Query'], indexes: ['byDataClassCreated'] } },
  },
  {
    id: 'GetIncident',
    group: 'ops',
    method: 'GET',
    path: '/incidents/{id}',
    handler: 'functions/incidents/get-incident.ts',
    description: 'GET /incidents/{id}: one incident with its updates.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem'] } },
  },
  {
    id: 'UpdateIncident',
    group: 'ops',
    method: 'PATCH',
    path: '/incidents/{id}',
    handler: 'functions/incidents/update-incident.ts',
    description: 'PATCH /incidents/{id}: status updates and resolution (ops).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] } },
  },
  // Reportable breaches (docs/incident-playbook.md): the notification window runs on one-time schedules.
  {
    id: 'MarkReportableBreach',
    group: 'ops',
    method: 'POST',
    path: '/incidents/{id}/reportable-breach',
    handler: 'functions/incidents/mark-reportable-breach.ts',
    description:
      'POST /incidents/{id}/reportable-breach: a security incident is reportable; its deadline starts.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] }, complianceSchedules: true },
  },
  {
    id: 'RecordBreachNotification',
    group: 'ops',
    method: 'POST',
    path: '/incidents/{id}/breach-notifications',
    handler: 'functions/incidents/record-breach-notification.ts',
    description: 'POST /incidents/{id}/breach-notifications: a notification sent about a reportable breach.',
    auth: { kind: 'jwt' },
    // Cancels the remaining deadline schedules once the authority is notified.
    access: { table: { actions: ['GetItem', 'PutItem'] }, complianceSchedules: true },
  },
  {
    id: 'ListSlaCredits',
    group: 'ops',
    method: 'GET',
    path: '/sla-credits',
    handler: 'functions/incidents/list-sla-credits.ts',
    description: 'GET /sla-credits: a month’s availability per plan and account credits (billing roles).',
    auth: { kind: 'jwt' },
    // The month's report (GetItem) and its account items (Query on the table's partition).
    access: { table: { actions: ['GetItem', 'Query'] } },
  },

  {
    id: 'GetSurvey',
    group: 'public',
    method: 'GET',
    path: '/survey/{desk}/{ticketId}',
    handler: 'functions/survey/get-survey.ts',
    description: 'GET /survey/{desk}/{ticketId}: the CSAT/NPS page behind a signed link.',
    auth: { kind: 'signed-link', reason: SIGNED_SURVEY_LINK },
    throttle: SURVEY_THROTTLE,
    access: { table: { actions: ['GetItem'] }, secrets: ['survey'] },
  },
  {
    id: 'SubmitSurvey',
    group: 'public',
    method: 'POST',
    path: '/survey/{desk}/{ticketId}',
    handler: 'functions/survey/submit-survey.ts',
    description: 'POST /survey/{desk}/{ticketId}: records one score per ticket.',
    auth: { kind: 'signed-link', reason: SIGNED_SURVEY_LINK },
    throttle: SURVEY_THROTTLE,
    // The ticket and the answer (GetItem, PutItem); the requester's ban keys and a refusal counted on the ban.
    access: {
      table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
      secrets: ['survey'],
    },
  },
  {
    id: 'GetStatusJson',
    group: 'public',
    method: 'GET',
    path: '/desks/{desk}/status.json',
    handler: 'functions/status/get-status-json.ts',
    description: 'GET /desks/{desk}/status.json: public incident feed (JSON).',
    auth: { kind: 'public-read', reason: PUBLIC_STATUS_FEED },
    throttle: STATUS_FEED_THROTTLE,
    access: {
      table: { actions: ['BatchGetItem', 'Query'], indexes: ['byDataClassCreated'] },
      publicBaseUrl: true,
    },
  },
  {
    id: 'GetStatusRss',
    group: 'public',
    method: 'GET',
    path: '/desks/{desk}/status.rss',
    handler: 'functions/status/get-status-rss.ts',
    description: 'GET /desks/{desk}/status.rss: public incident feed (RSS 2.0).',
    auth: { kind: 'public-read', reason: PUBLIC_STATUS_FEED },
    throttle: STATUS_FEED_THROTTLE,
    access: {
      table: { actions: ['BatchGetItem', 'Query'], indexes: ['byDataClassCreated'] },
      publicBaseUrl: true,
    },
  },
  // Consent before staff open a customer's private data, and the record of each opening (docs/privacy.md).
  {
    id: 'RequestConsent',
    group: 'tickets',
    method: 'POST',
    path: '/tickets/{id}/consents',
    handler: 'functions/privacy/request-consent.ts',
    description:
      'POST /tickets/{id}/consents: staff ask the requester for consent; mailed with signed links.',
    auth: { kind: 'jwt' },
    throttle: { rateLimit: 5, burstLimit: 10 },
    // The ticket (GetItem), the consent (PutItem, then its mail status); the request mail through SES with
    // links signed under the survey keyring and the public URL.
    access: {
      table: { actions: ['GetItem', 'PutItem'] },
      secrets: ['survey'],
      publicBaseUrl: true,
      sendOwnMail: true,
    },
  },
  {
    id: 'ListConsents',
    group: 'tickets',
    method: 'GET',
    path: '/tickets/{id}/consents',
    handler: 'functions/privacy/list-consents.ts',
    description:
      'GET /tickets/{id}/consents: the ticket’s consent requests and their state (staff, requester).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'Query'] } },
  },
  {
    id: 'DecideConsent',
    group: 'tickets',
    method: 'POST',
    path: '/tickets/{id}/consents/{consentId}/decision',
    handler: 'functions/privacy/decide-consent.ts',
    description:
      'POST /tickets/{id}/consents/{consentId}/decision: the requester grants, refuses or revokes.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'PutItem'] } },
  },
  {
    id: 'RecordPrivateAccess',
    group: 'tickets',
    method: 'POST',
    path: '/tickets/{id}/private-access',
    handler: 'functions/privacy/record-private-access.ts',
    description:
      'POST /tickets/{id}/private-access: staff open private data (a screen share) under a live consent; recorded.',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'Query', 'PutItem'] } },
  },
  {
    id: 'ListPrivateAccess',
    group: 'tickets',
    method: 'GET',
    path: '/tickets/{id}/private-access',
    handler: 'functions/privacy/list-private-access.ts',
    description: 'GET /tickets/{id}/private-access: who opened which private data when (leads, managers).',
    auth: { kind: 'jwt' },
    access: { table: { actions: ['GetItem', 'Query'] } },
  },
  {
    id: 'GetConsentPage',
    group: 'public',
    method: 'GET',
    path: '/consent/{desk}/{ticketId}/{consentId}',
    handler: 'functions/privacy/get-consent-page.ts',
    description: 'GET /consent/{desk}/{ticketId}/{consentId}: the consent question behind a signed link.',
    auth: { kind: 'signed-link', reason: SIGNED_CONSENT_LINK },
    throttle: SURVEY_THROTTLE,
    access: { table: { actions: ['GetItem'] }, secrets: ['survey'] },
  },
  {
    id: 'SubmitConsentPage',
    group: 'public',
    method: 'POST',
    path: '/consent/{desk}/{ticketId}/{consentId}',
    handler: 'functions/privacy/submit-consent-page.ts',
    description:
      'POST /consent/{desk}/{ticketId}/{consentId}: records the grant or refusal from the link’s page.',
    auth: { kind: 'signed-link', reason: SIGNED_CONSENT_LINK },
    throttle: SURVEY_THROTTLE,
    access: { table: { actions: ['GetItem', 'PutItem'] }, secrets: ['survey'] },
  },
  // The API's own contract (docs/api.md), built from this manifest and functions/manifest/api-contract.ts.
  {
    id: 'GetOpenApi',
    group: 'public',
    method: 'GET',
    path: '/openapi.json',
    handler: 'functions/docs/get-openapi.ts',
    description: 'GET /openapi.json: the OpenAPI 3.1 document of this API.',
    auth: { kind: 'public-read', reason: 'the contract is public, like the API’s documentation' },
    // A static document: a low limit of its own, like the status feeds.
    throttle: { rateLimit: 10, burstLimit: 20 },
    access: {},
  },
];

/** `METHOD /path`, the route key API Gateway and the throttle settings use. */
export const routeKey = (route: Pick<ApiRouteEntry, 'method' | 'path'>) => `${route.method} ${route.path}`;
