import { Role } from '#shared/auth/principal.ts';
import { APPEAL_STATUSES } from '#shared/compliance/billing-appeal.ts';
import { DSAR_CHANNELS, DSAR_KINDS, DSAR_STATUSES } from '#shared/compliance/dsar.ts';
import { EXPORT_FORMAT } from '#shared/compliance/export-bundle.ts';
import { ATTESTATION_METHODS } from '#shared/compliance/identity.ts';
import { KPI_NAMES } from '#shared/kpis/targets.ts';
import { RISK_LEVELS } from '#shared/ops/queue.ts';
import { Audience, METRICS, Metric } from '#shared/policy/schema.ts';
import { Channel, Message, PRIORITIES, Priority, Status, Ticket } from '#shared/tickets/model.ts';
import * as z from '#shared/validation/zod.ts';

/**
 * The shapes of JSON answers whose fields are TypeScript types in the domain modules (not zod schemas
 * the handlers parse with). Written once here for the OpenAPI document; every e2e answer is validated
 * against that document, so a field added to or dropped from a domain type without changing its schema
 * here fails the suites. Objects are closed (`additionalProperties: false` in the document).
 */

const Instant = z.string().check(z.describe('an ISO 8601 instant (UTC)'));
const Actor = z
  .object({ id: z.string(), role: z.string() })
  .check(z.describe('who acted: a staff member or `system`'));

// ---- SLA ------------------------------------------------------------------------------------

const SlaMetric = z.object({
  metric: Metric,
  cycle: z.number().check(z.int(), z.describe('1 for the first clock of this metric, 2 after a restart, …')),
  state: z.enum(['running', 'paused', 'fulfilled', 'breached', 'cancelled']),
  open: z.boolean().check(z.describe('still counting (running or paused)')),
  targetMinutes: z.number(),
  clock: z.enum(['business', 'calendar']),
  calendar: z.nullable(z.string()),
  activatedAt: Instant,
  deadline: z.nullable(Instant).check(z.describe('when the target is (or was) used up; null while paused')),
  warnAt: z.array(Instant),
  elapsedMinutes: z.number(),
  breachedAt: z.nullable(Instant),
  endedAt: z.nullable(Instant),
  rule: z.string().check(z.describe('the pack rule that set the target')),
});

const SlaLogEntry = z.object({
  at: Instant,
  type: z.enum([
    'activated',
    'paused',
    'resumed',
    'fulfilled',
    'warned',
    'breached',
    'escalated',
    'recalculated',
    'cancelled',
    'notice-due',
  ]),
  metric: z.optional(Metric),
  detail: z.string(),
  rule: z.string(),
  packVersion: z.string(),
});

const SlaNotice = z.object({
  template: z.string(),
  audience: z.string(),
  promiseToCustomer: z.boolean(),
  escalation: z.optional(
    z.object({
      toTier: z.number().check(z.int()),
      level: z.string(),
      why: z.string(),
      rule: z.string(),
      policy: z.optional(z.string()),
    }),
  ),
});

const SlaActionKind = z.enum(['warn', 'breach', 'escalate', 'notify', 'periodic-update']);

const SlaAction = z.object({
  id: z.string().check(z.describe('stable across recomputations: each action is applied once per ticket')),
  at: Instant,
  kind: SlaActionKind,
  metric: z.optional(Metric),
  toTier: z.optional(z.number().check(z.int())),
  notice: z.optional(SlaNotice),
  rule: z.string(),
});

const AppliedSlaAction = z.extend(SlaAction, {
  metric: z.optional(z.string()),
  appliedAt: Instant.check(z.describe('when the workflow applied it (later than `at` if it was asleep)')),
  summary: z.string(),
});

/** A staff reading of GET /tickets/{id}: what the workflow applied and when it looks next. */
export const TicketSlaState = z.object({
  actions: z.array(AppliedSlaAction),
  nextCheckpoint: z.nullable(Instant),
  packVersion: z.string(),
});

/** The ticket's outbound mail (replies and notices) as staff see it: no sender lease, no provider id. */
export const OutboundMailView = z.object({
  id: z.string(),
  kind: z.enum(['reply', 'notice']),
  audience: Audience,
  template: z.optional(z.string()),
  promiseToCustomer: z.optional(z.boolean()),
  messageId: z.optional(z.string()),
  summary: z.optional(z.string()),
  escalation: SlaNotice.shape.escalation,
  at: Instant,
  queuedAt: Instant,
  status: z.enum(['pending', 'sent', 'skipped', 'failed']),
  attempts: z.number().check(z.int()),
  retryAt: z.optional(Instant),
  sentAt: z.optional(Instant),
  to: z.optional(z.array(z.string())),
  emailMessageId: z.optional(z.string()),
  reason: z.optional(z.string()),
});

export const TicketSlaView = z.object({
  ticketId: z.string(),
  now: Instant,
  timeZone: z.string().check(z.describe('the desk’s zone, for showing the clocks as the desk reads them')),
  pack: z.nullable(z.string()).check(z.describe('`<pack id>@<version>` the clocks are computed with')),
  metrics: z.array(SlaMetric),
  log: z.array(SlaLogEntry),
  nextCheckpoint: z.nullable(Instant),
  applied: z.array(AppliedSlaAction).check(z.describe('what the SLA workflow has applied, in order')),
  timedBy: z.nullable(z.string()).check(z.describe('the pack version the workflow last planned with')),
  workflow: z.nullable(z.string()).check(z.describe('the current workflow execution’s name')),
});

export const SlaPreviewView = z.object({
  packId: z.string(),
  packVersion: z.string(),
  ticket: z.object({
    priority: Priority,
    plan: z.string(),
    channel: Channel,
    status: Status,
    tier: z.number().check(z.int()),
  }),
  metrics: z.array(SlaMetric),
  log: z.array(SlaLogEntry),
  actions: z.array(SlaAction),
  nextCheckpoint: z.nullable(Instant),
  now: Instant,
  upcoming: z.array(SlaAction).check(z.describe('what would fall due after `now` if nothing else happened')),
});

// ---- Suspended mail -------------------------------------------------------------------------

export const SuspendedMailView = z.object({
  desk: z.string(),
  id: z.string(),
  status: z.enum(['suspended', 'releasing', 'released', 'rejected']),
  reason: z.string().check(z.describe('why it was suspended (the failed checks)')),
  from: z.string(),
  to: z.string(),
  queueAddress: z.string(),
  subject: z.string(),
  envelopeSender: z.string(),
  emailMessageId: z.optional(z.string()),
  replyTo: z.optional(z.string()).check(z.describe('the Reply-To it asked for (never followed)')),
  verdicts: z.object({ spf: z.string(), dkim: z.string(), dmarc: z.string() }),
  fromDomain: z.optional(z.string()),
  spfDomain: z.optional(z.string()),
  dkimDomains: z.array(z.string()),
  claimedTicket: z
    .optional(z.object({ ticketId: z.string(), via: z.string() }))
    .check(z.describe('the ticket the mail tried to reach, unverified')),
  rawObject: z.object({ bucket: z.string(), key: z.string() }),
  receivedAt: Instant,
  decidedBy: z.optional(z.string()),
  decidedAt: z.optional(Instant),
  decision: z.optional(z.string()),
  ticketId: z.optional(z.string()).check(z.describe('the ticket a released mail reached')),
  messageId: z.optional(z.string()).check(z.describe('the message it became on that ticket')),
});

// ---- Attachments, holds, history ----------------------------------------------------------------

export const AttachmentView = z.object({
  id: z.string(),
  desk: z.string(),
  ticketId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().check(z.int()),
  sha256: z.string(),
  dataClass: z.string(),
  uploadedBy: z.object({ id: z.string(), role: z.string() }),
  createdAt: Instant,
});

const HistoryEntry = z.object({
  at: Instant,
  action: z.string().check(z.describe('a dotted verb, e.g. `hold.set`')),
  by: Actor,
  details: z.optional(
    z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
  ),
});

const PendingNotice = z.object({
  id: z.string(),
  template: z.string(),
  audience: z.enum(['customer', 'agent', 'lead', 'manager']),
  to: z.optional(z.string()),
  createdAt: Instant,
  status: z.enum(['pending', 'sent']),
  sentAt: z.optional(Instant),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

/** The fields every compliance record has: its audit trail and the notices it owes. */
export const RecordBase = z.object({
  id: z.string(),
  desk: z.string(),
  version: z.number().check(z.int()),
  history: z.array(HistoryEntry),
  notices: z.array(PendingNotice),
});

export const LegalHoldView = z.extend(RecordBase, {
  subject: z.union([
    z.object({ kind: z.literal('ticket'), ticketId: z.string() }),
    z.object({ kind: z.literal('requester'), email: z.string() }),
  ]),
  status: z.enum(['active', 'released']),
  reason: z.string(),
  reference: z.optional(z.string()),
  setAt: Instant,
  setBy: Actor,
  releasedAt: z.optional(Instant),
  releasedBy: z.optional(Actor),
  releaseReason: z.optional(z.string()),
});

const ExecutionStep = z.object({
  n: z.number().check(z.int()),
  name: z.string(),
  kind: z.string(),
  enteredAt: Instant,
  exitedAt: z.nullable(Instant),
  durationMs: z.nullable(z.number()),
  sincePreviousMs: z.nullable(z.number()),
  outcome: z.enum(['succeeded', 'failed', 'timed-out', 'running', 'aborted']),
  summary: z.array(z.string()),
  attempts: z.array(z.object({ at: Instant, error: z.string(), cause: z.string() })),
  input: z.optional(z.string()).check(z.describe('raw JSON, with `includeData=true`')),
  output: z.optional(z.string()),
});

export const TicketHistoryView = z.object({
  ticketId: z.string(),
  timeZone: z.string().check(z.describe('the desk’s zone, for showing times as the desk reads its clocks')),
  now: Instant,
  executions: z.array(
    z.object({
      name: z.string(),
      executionArn: z.string(),
      status: z.string(),
      startedAt: z.nullable(Instant),
      stoppedAt: z.nullable(Instant),
      consoleUrl: z.nullable(z.string()),
      steps: z.array(ExecutionStep),
      truncated: z.boolean(),
    }),
  ),
});

// ---- Retention, audit, survey -------------------------------------------------------------------

export const RetentionPreviewView = z.object({
  desk: z.string(),
  asOf: Instant.check(z.describe('the instant every page of this dry run is computed at')),
  rules: z.array(
    z.object({
      dataClass: z.string(),
      days: z.number().check(z.int()),
      cutoff: Instant.check(z.describe('items created strictly before it are due')),
      origin: z.enum(['pack', 'product-default']),
      source: z
        .optional(z.string())
        .check(z.describe('the policy’s sentence, when the rule comes from the pack')),
    }),
  ),
  notPurged: z.array(z.object({ dataClass: z.string(), reason: z.string() })),
  candidates: z
    .optional(z.record(z.string(), z.number().check(z.int())))
    .check(z.describe('with `totals`: candidates per data class')),
  page: z.nullable(
    z.object({
      dataClass: z.string(),
      examined: z.number().check(z.int()),
      wouldPurge: z.number().check(z.int()),
      keptLegalHold: z.number().check(z.int()),
      keptRecentActivity: z.number().check(z.int()),
      items: z.array(z.object({ id: z.string(), createdAt: Instant })),
    }),
  ),
  cursor: z.optional(z.string()).check(z.describe('send it back for the next page; absent on the last')),
});

export const AuditLogEntryView = z.object({
  at: Instant,
  subject: z.object({ kind: z.string(), id: z.string() }),
  action: z.string(),
  by: Actor,
  details: HistoryEntry.shape.details,
});

export const SurveyAnswerView = z.object({
  desk: z.string(),
  ticketId: z.string(),
  submittedAt: Instant,
  csat: z.optional(z.number().check(z.int())),
  nps: z.optional(z.number().check(z.int())),
  comment: z.optional(z.string()),
});

// ---- Data subject requests and billing appeals ----------------------------------------------------
// Staff get the stored record without its code secrets; the requester a view of the outcome
// (shared/compliance/dsar-service.ts `dsarView`, appeal-service.ts `appealView`). A field added to a
// view is one more line in its object here; test/unit/response-schemas.test.ts names what is missing.

/** An object with one field per key, each of the same shape (counts per kind, cells per metric). */
const perKey = <K extends string, V extends z.ZodMiniType>(keys: readonly K[], value: V) =>
  z.object(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, V>);
const Count = z.number().check(z.int());

const Money = z.object({ value: z.number(), currency: z.string().check(z.describe('ISO 4217, e.g. `USD`')) });

/** A request's identity check as staff see it: the code's hash and salt never leave the store. */
const IdentityCheckView = z.object({
  status: z.enum(['pending', 'verified', 'locked']),
  method: z.optional(z.enum(['one-time-code', 'staff-attestation'])),
  codeExpiresAt: z.optional(Instant),
  attempts: z.number().check(z.int()),
  codesIssued: z.number().check(z.int()),
  verifiedAt: z.optional(Instant),
  verifiedBy: z.optional(Actor),
  attestation: z.optional(z.object({ method: z.enum(ATTESTATION_METHODS), note: z.string() })),
});

/** A batched export or erasure: how far it is (the same for staff and the requester). */
const DsarProgressView = z.object({
  kind: z.enum(['export', 'erasure']),
  status: z.enum(['running', 'finished']),
  processed: Count.check(z.describe('tickets done so far: exported, erased or kept under a legal hold')),
  total: Count.check(z.describe("the requester's tickets when the job started")),
  startedAt: Instant,
  finishedAt: z.optional(Instant),
});

const DsarCounts = perKey(['tickets', 'messages', 'attachments', 'billingAppeals', 'dsars'], Count);

/** Every field of a data subject request, for staff (a pending code shows as `(hidden)` in its notice). */
export const DsarStaffView = z.extend(RecordBase, {
  kind: z.enum(DSAR_KINDS),
  channel: z.enum(DSAR_CHANNELS),
  requester: z.object({ email: z.string(), name: z.optional(z.string()) }),
  receivedAt: Instant,
  filedBy: Actor,
  status: z.enum(DSAR_STATUSES),
  identity: IdentityCheckView,
  dueAt: Instant,
  originalDueAt: Instant,
  dueRule: z.string().check(z.describe('why the due date is what it is, in words')),
  extension: z.optional(
    z.object({
      months: z.number().check(z.int()),
      reason: z.string(),
      at: Instant,
      by: Actor,
      previousDueAt: Instant,
    }),
  ),
  overdueSince: z.optional(Instant),
  appliedDeadlines: z.array(z.string()).check(z.describe('deadline actions already applied, each once')),
  export: z.optional(
    z.object({
      objectKey: z.string(),
      bytes: z.number().check(z.int()),
      sha256: z.string(),
      readyAt: Instant,
      approvedBy: Actor,
      counts: DsarCounts,
    }),
  ),
  erasure: z.optional(
    z.object({
      startedAt: Instant,
      by: Actor,
      finishedAt: z.optional(Instant),
      counts: perKey(
        ['tickets', 'messages', 'attachments', 'objects', 'billingAppeals', 'otherRequests'],
        Count,
      ),
      keptUnderLegalHold: z
        .array(z.string())
        .check(z.describe('tickets a legal hold kept out of the erasure')),
    }),
  ),
  rejection: z.optional(z.object({ reason: z.string(), at: Instant, by: Actor })),
  fulfilledAt: z.optional(Instant),
  sourceMessageId: z
    .optional(z.string())
    .check(z.describe('email intake: the Message-ID the request came with')),
  requesterErased: z.optional(z.boolean()),
  progress: z.optional(DsarProgressView),
});

/** What the requester sees of their own request: its state and outcome, no audit trail. */
export const DsarCustomerView = z.object({
  id: z.string(),
  kind: z.enum(DSAR_KINDS),
  status: z.enum(DSAR_STATUSES),
  receivedAt: Instant,
  dueAt: Instant,
  identity: z.object({ status: IdentityCheckView.shape.status, codeExpiresAt: z.optional(Instant) }),
  extension: z.optional(z.object({ months: z.number().check(z.int()), reason: z.string(), at: Instant })),
  export: z.optional(z.object({ readyAt: Instant, bytes: z.number().check(z.int()), sha256: z.string() })),
  erasure: z.optional(
    z.object({
      finishedAt: Instant,
      keptUnderLegalHold: z.number().check(z.int(), z.describe('how many tickets a legal hold kept')),
    }),
  ),
  rejection: z.optional(z.object({ reason: z.string(), at: Instant })),
  fulfilledAt: z.optional(Instant),
  progress: z.optional(DsarProgressView),
});

export const DsarView = z.union([DsarStaffView, DsarCustomerView]);

const AppealStageEnd = z.enum(['decided', 'escalated', 'auto-advanced']);

const AppealOutcome = z.enum(['approved', 'denied', 'answered-by-policy']);

/** Every field of a billing appeal, for staff. */
export const AppealStaffView = z.extend(RecordBase, {
  ticketId: z.optional(z.string()),
  requester: z.object({ id: z.string(), email: z.string(), name: z.optional(z.string()) }),
  filedBy: Actor,
  receivedAt: Instant,
  summary: z.string(),
  billing: z.object({
    invoiceId: z.optional(z.string()),
    transactionIds: z.array(z.string()),
    amount: z.optional(Money),
  }),
  status: z.enum(APPEAL_STATUSES),
  stages: z.array(
    z.object({
      index: z.number().check(z.int()),
      name: z.string(),
      role: z.string().check(z.describe('the policy’s word for who reviews it')),
      decidedBy: Role.check(z.describe('the least role that may decide at this stage')),
      startedAt: Instant,
      dueAt: z.nullable(Instant),
      endedAt: z.optional(Instant),
      end: z.optional(AppealStageEnd),
    }),
  ),
  currentStage: z
    .nullable(z.number().check(z.int()))
    .check(z.describe('index into `stages`; null once decided')),
  decision: z.optional(
    z.object({
      outcome: AppealOutcome,
      note: z.string(),
      at: Instant,
      by: Actor,
      refund: z.optional(Money),
    }),
  ),
  refund: z.optional(
    z.object({
      amount: z.optional(Money),
      dueAt: z.nullable(Instant),
      window: z.optional(z.string()),
      issuedAt: z.optional(Instant),
      reference: z.optional(z.string()),
    }),
  ),
  pendingApproval: z
    .optional(z.object({ refund: Money, note: z.string(), at: Instant, by: Actor }))
    .check(z.describe('a refund above the four-eyes threshold, waiting for a second approver')),
  identity: z.extend(IdentityCheckView, { required: z.boolean() }),
  overdueSince: z.optional(Instant),
  appliedDeadlines: z.array(z.string()),
  requesterErased: z.optional(z.boolean()),
});

/** What the requester sees: stages and outcome; billing figures only once they may (else `billingWithheld`). */
export const AppealCustomerView = z.object({
  id: z.string(),
  ticketId: z.optional(z.string()),
  status: z.enum(APPEAL_STATUSES),
  receivedAt: Instant,
  summary: z.string(),
  stages: z.array(
    z.object({
      name: z.string(),
      startedAt: Instant,
      dueAt: z.nullable(Instant),
      endedAt: z.optional(Instant),
      end: z.optional(AppealStageEnd),
    }),
  ),
  decision: z.optional(
    z.object({
      outcome: AppealOutcome,
      at: Instant,
      policy: z
        .optional(z.string())
        .check(z.describe('the policy’s answer, when the desk answers by policy')),
    }),
  ),
  identity: z.object({ required: z.boolean(), status: IdentityCheckView.shape.status }),
  billing: z.optional(AppealStaffView.shape.billing),
  refund: AppealStaffView.shape.refund,
  billingWithheld: z.optional(z.string()).check(z.describe('why the billing figures are not shown yet')),
});

export const AppealView = z.union([AppealStaffView, AppealCustomerView]);

// The DSAR export bundle (shared/compliance/export-bundle.ts), as GET /dsar/{id}/export downloads it.

const ActivityReason = { reason: z.optional(z.string()) };
const TicketActivityEntry = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ticket-created'),
    priority: Priority,
    requestedPriority: z.optional(Priority),
    plan: z.string(),
    channel: Channel,
    status: Status,
  }),
  z.object({ type: z.literal('customer-message'), messageId: z.string() }),
  z.object({
    type: z.literal('agent-reply'),
    visibility: z.enum(['public', 'internal']),
    messageId: z.string(),
    timeSpentSeconds: z.optional(z.number()),
  }),
  z.object({ type: z.literal('status-changed'), from: Status, to: Status, ...ActivityReason }),
  z.object({ type: z.literal('priority-changed'), from: Priority, to: Priority, ...ActivityReason }),
  z.object({ type: z.literal('plan-changed'), from: z.string(), to: z.string(), ...ActivityReason }),
  z.object({
    type: z.literal('tier-changed'),
    from: z.number().check(z.int()),
    to: z.number().check(z.int()),
    actionId: z.optional(z.string()),
    ...ActivityReason,
  }),
  z.object({
    type: z.literal('assignee-changed'),
    from: z.nullable(z.string()),
    to: z.nullable(z.string()),
    onCall: z.optional(z.boolean()),
  }),
]);

/** Every ticket activity entry carries when and who; the rest depends on its `type`. */
const ActivityEntry = z.intersection(z.object({ at: Instant, by: z.string() }), TicketActivityEntry);

export const DsarExportBundle = z.object({
  format: z.literal(EXPORT_FORMAT),
  request: z.object({
    id: z.string(),
    desk: z.string(),
    kind: z.string(),
    receivedAt: Instant,
    dueAt: Instant,
  }),
  subject: z.object({ email: z.string(), name: z.optional(z.string()) }),
  generatedAt: Instant,
  approvedBy: Actor,
  counts: DsarCounts,
  tickets: z.array(
    z.object({
      ticket: z.omit(Ticket, { assigneeContact: true }),
      activity: z.array(ActivityEntry),
      messages: z.array(Message),
      attachments: z.array(
        z.extend(z.omit(AttachmentView, { desk: true, uploadedBy: true }), {
          contentBase64: z.nullable(z.string()).check(z.describe('null when the file could not be read')),
        }),
      ),
      otherRecords: z
        .optional(z.array(z.looseObject({ kind: z.string() })))
        .check(
          z.describe('other records kept with the ticket (survey answers, consents, …), exported as stored'),
        ),
    }),
  ),
  billingAppeals: z.array(z.omit(AppealStaffView, { identity: true, notices: true, version: true })),
  dataSubjectRequests: z.array(
    z.pick(DsarStaffView, {
      id: true,
      kind: true,
      channel: true,
      status: true,
      receivedAt: true,
      dueAt: true,
      fulfilledAt: true,
    }),
  ),
  withheld: z
    .array(
      z.object({
        ticketId: z.string(),
        messageId: z.optional(z.string()),
        field: z.string(),
        what: z.string(),
        reason: z.string(),
      }),
    )
    .check(z.describe('what was left out of this copy and why')),
});

// ---- Queue, KPIs, SLA credits ---------------------------------------------------------------------

const QueueDeadline = z.object({
  metric: Metric,
  cycle: z.number().check(z.int()),
  deadline: z.nullable(Instant).check(z.describe('null while the clock is paused')),
  minutesLeft: z.number().check(z.describe('in the clock’s own minutes; negative once breached')),
  targetMinutes: z.number(),
  clock: z.enum(['business', 'calendar']),
  calendar: z.nullable(z.string()),
  state: SlaMetric.shape.state,
  rule: z.string(),
});

const RiskLevel = z.enum(RISK_LEVELS);

export const QueueView = z.object({
  desk: z.string(),
  timeZone: z.string(),
  now: Instant,
  counts: perKey(RISK_LEVELS, Count).check(
    z.describe('tickets read per risk level, before the priority and risk filters'),
  ),
  total: z.number().check(z.int()),
  truncated: z.boolean(),
  nextCursor: z.nullable(z.string()),
  items: z.array(
    z.object({
      ticket: z.extend(
        z.pick(Ticket, {
          id: true,
          subject: true,
          status: true,
          priority: true,
          plan: true,
          channel: true,
          tier: true,
          assignee: true,
          createdAt: true,
          updatedAt: true,
        }),
        { requester: z.optional(z.object({ email: z.string(), name: z.optional(z.string()) })) },
      ),
      risk: z.object({ level: RiskLevel, label: z.string(), reason: z.string() }),
      next: z.nullable(QueueDeadline).check(z.describe('the open clock with the least time left')),
      clocks: z.array(QueueDeadline).check(z.describe('every open clock, tightest first')),
      nextCheckpoint: z.nullable(Instant),
    }),
  ),
});

const Attainment = z.object({
  measured: z.number().check(z.int()),
  met: z.number().check(z.int()),
  breached: z.number().check(z.int()),
  open: z.number().check(z.int()),
  attainment: z.nullable(z.number()).check(z.describe('met / (met + breached), a fraction')),
});

export const KpiReportView = z.object({
  desk: z.string(),
  period: z.object({
    name: z.enum(['30d', '90d', '365d']),
    days: z.number().check(z.int()),
    from: Instant,
    to: Instant,
  }),
  timeZone: z.string(),
  generatedAt: Instant,
  population: z.object({
    tickets: z.number().check(z.int()),
    surveys: z.number().check(z.int()),
    backlog: z.number().check(z.int()),
    truncated: z.object({ tickets: z.boolean(), surveys: z.boolean(), backlog: z.boolean() }),
  }),
  policy: z.object({ document: z.string(), cadence: z.nullable(z.string()) }),
  kpis: z.array(
    z.object({
      kpi: z.enum(KPI_NAMES),
      label: z.string(),
      value: z
        .nullable(z.number())
        .check(z.describe('ratios as fractions (unit %), times in minutes or hours')),
      unit: z.enum(['min', 'h', '%', 'score']),
      basis: z.number().check(z.int(), z.describe('how many tickets or answers the value rests on')),
      detail: z.record(z.string(), z.nullable(z.number())),
      target: z.nullable(
        z.object({
          kpi: z.enum(KPI_NAMES),
          comparator: z.enum(['>=', '>', '<', '<=', 'between']),
          value: z.number(),
          upper: z.optional(z.number()),
          source: z.string().check(z.describe('the policy’s sentence')),
          text: z.string(),
        }),
      ),
      verdict: z.enum(['met', 'missed', 'no-data', 'no-target']),
    }),
  ),
  slaAttainment: z.object({
    pack: z.nullable(z.string()),
    overall: Attainment,
    byMetric: z
      .nullable(perKey(METRICS, z.extend(Attainment, { byPriority: perKey(PRIORITIES, Attainment) })))
      .check(z.describe('null when the desk has no policy pack')),
    rejected: z.array(z.object({ id: z.string(), error: z.string() })),
  }),
  backlog: z.object({
    count: z.number().check(z.int()),
    medianHours: z.nullable(z.number()),
    p90Hours: z.nullable(z.number()),
    oldestHours: z.nullable(z.number()),
    byAge: z.array(z.object({ label: z.string(), count: z.number().check(z.int()) })),
    byStatus: z.partialRecord(Status, z.number().check(z.int())),
  }),
  trend: z.object({
    size: z.enum(['daily', 'weekly']),
    points: z.array(
      z.object({
        start: Instant,
        end: Instant,
        label: z.string(),
        tickets: z.number().check(z.int()),
        resolved: z.number().check(z.int()),
        firstResponseMedianMinutes: z.nullable(z.number()),
        firstContactResolution: z.nullable(z.number()),
        reopenRate: z.nullable(z.number()),
        csat: z.nullable(z.number()),
        nps: z.nullable(z.number()),
        slaAttainment: z.nullable(z.number()),
      }),
    ),
  }),
});

export const SlaCreditsView = z.object({
  desk: z.string(),
  month: z.string().check(z.describe('a UTC month, YYYY-MM')),
  status: z
    .enum(['computed', 'pending', 'month-open'])
    .check(z.describe('`pending`: the month has closed, the daily job has not computed it yet')),
  report: z.nullable(
    z.object({
      desk: z.string(),
      month: z.string(),
      computedAt: Instant,
      policy: z.string().check(z.describe('where the credit schedule comes from')),
      plans: z.array(
        z.object({
          plan: z.string(),
          targetPercent: z.number(),
          availabilityPercent: z.number(),
          downtimeMinutes: z.number(),
          eligibleMinutes: z.number(),
          met: z.boolean(),
          creditPercent: z.number(),
        }),
      ),
      accountsCredited: z.number().check(z.int()),
    }),
  ),
  items: z.array(
    z.object({
      desk: z.string(),
      month: z.string(),
      account: z.string(),
      plan: z.string(),
      availabilityPercent: z.number(),
      targetPercent: z.number(),
      creditPercent: z.number(),
      computedAt: Instant,
    }),
  ),
  truncated: z.boolean(),
});

// ---- This document ----------------------------------------------------------------------------------

/** Any JSON value (an example request body). */
export const JsonValue = z.json();

/** Where the OpenAPI document embeds a JSON Schema (2020-12): any schema, by the specification. */
const EmbeddedJsonSchema = z
  .looseObject({})
  .check(z.describe('a JSON Schema (2020-12 dialect, as OpenAPI 3.1 embeds it)'));
const MediaTypes = z.record(
  z.string(),
  z.object({
    schema: EmbeddedJsonSchema,
    examples: z.optional(z.record(z.string(), z.object({ value: JsonValue }))),
  }),
);
const ResponseObject = z.object({ description: z.string(), content: z.optional(MediaTypes) });
const Reference = z.object({ $ref: z.string() });

const OperationObject = z.object({
  operationId: z.string(),
  tags: z.array(z.string()),
  summary: z.string(),
  description: z.optional(z.string()),
  security: z.array(z.record(z.string(), z.array(z.string()))),
  parameters: z.optional(
    z.array(
      z.object({
        name: z.string(),
        in: z.enum(['path', 'query', 'header']),
        required: z.boolean(),
        description: z.optional(z.string()),
        schema: EmbeddedJsonSchema,
      }),
    ),
  ),
  requestBody: z.optional(z.object({ required: z.boolean(), content: MediaTypes })),
  responses: z.record(z.string(), z.union([Reference, ResponseObject])),
});

/** The subset of OpenAPI 3.1 this document uses (openapi-document.ts builds nothing else). */
export const OpenApiDocumentView = z.object({
  openapi: z.literal('3.1.0'),
  info: z.object({
    title: z.string(),
    version: z.string(),
    summary: z.string(),
    description: z.string(),
    license: z.object({ name: z.string(), identifier: z.string() }),
  }),
  servers: z.array(z.object({ url: z.string(), description: z.string() })),
  tags: z.array(z.object({ name: z.string(), description: z.string() })),
  paths: z.record(
    z.string(),
    z.partialRecord(z.enum(['get', 'post', 'put', 'patch', 'delete']), OperationObject),
  ),
  components: z.object({
    securitySchemes: z.record(
      z.string(),
      z.object({
        type: z.literal('http'),
        scheme: z.literal('bearer'),
        bearerFormat: z.string(),
        description: z.string(),
      }),
    ),
    schemas: z.record(z.string(), EmbeddedJsonSchema),
    responses: z.record(z.string(), ResponseObject),
  }),
});
