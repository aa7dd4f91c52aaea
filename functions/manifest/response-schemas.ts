import * as z from 'zod';
import { Role } from '#shared/auth/principal.ts';
import { APPEAL_STATUSES } from '#shared/compliance/billing-appeal.ts';
import { DSAR_CHANNELS, DSAR_KINDS, DSAR_STATUSES } from '#shared/compliance/dsar.ts';
import { EXPORT_FORMAT } from '#shared/compliance/export-bundle.ts';
import { ATTESTATION_METHODS } from '#shared/compliance/identity.ts';
import { KPI_NAMES } from '#shared/kpis/targets.ts';
import { RISK_LEVELS } from '#shared/ops/queue.ts';
import { Audience, METRICS, Metric } from '#shared/policy/schema.ts';
import { Channel, Message, PRIORITIES, Priority, Status, Ticket } from '#shared/tickets/model.ts';

/**
 * The shapes of JSON answers whose fields are TypeScript types in the domain modules (not zod schemas
 * the handlers parse with). Written once here for the OpenAPI document; every e2e answer is validated
 * against that document, so a field added to or dropped from a domain type without changing its schema
 * here fails the suites. Objects are closed (`additionalProperties: false` in the document).
 */

const Instant = z.string().describe('an ISO 8601 instant (UTC)');
const Actor = z
  .object({ id: z.string(), role: z.string() })
  .describe('who acted: a staff member or `system`');

// ---- SLA ------------------------------------------------------------------------------------

const SlaMetric = z.object({
  metric: Metric,
  cycle: z.number().int().describe('1 for the first clock of this metric, 2 after a restart, …'),
  state: z.enum(['running', 'paused', 'fulfilled', 'breached', 'cancelled']),
  open: z.boolean().describe('still counting (running or paused)'),
  targetMinutes: z.number(),
  clock: z.enum(['business', 'calendar']),
  calendar: z.string().nullable(),
  activatedAt: Instant,
  deadline: Instant.nullable().describe('when the target is (or was) used up; null while paused'),
  warnAt: z.array(Instant),
  elapsedMinutes: z.number(),
  breachedAt: Instant.nullable(),
  endedAt: Instant.nullable(),
  rule: z.string().describe('the pack rule that set the target'),
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
  metric: Metric.optional(),
  detail: z.string(),
  rule: z.string(),
  packVersion: z.string(),
});

const SlaNotice = z.object({
  template: z.string(),
  audience: z.string(),
  promiseToCustomer: z.boolean(),
  escalation: z
    .object({
      toTier: z.number().int(),
      level: z.string(),
      why: z.string(),
      rule: z.string(),
      policy: z.string().optional(),
    })
    .optional(),
});

const SlaActionKind = z.enum(['warn', 'breach', 'escalate', 'notify', 'periodic-update']);

const SlaAction = z.object({
  id: z.string().describe('stable across recomputations: each action is applied once per ticket'),
  at: Instant,
  kind: SlaActionKind,
  metric: Metric.optional(),
  toTier: z.number().int().optional(),
  notice: SlaNotice.optional(),
  rule: z.string(),
});

const AppliedSlaAction = SlaAction.extend({
  metric: z.string().optional(),
  appliedAt: Instant.describe('when the workflow applied it (later than `at` if it was asleep)'),
  summary: z.string(),
});

/** A staff reading of GET /tickets/{id}: what the workflow applied and when it looks next. */
export const TicketSlaState = z.object({
  actions: z.array(AppliedSlaAction),
  nextCheckpoint: Instant.nullable(),
  packVersion: z.string(),
});

/** The ticket's outbound mail (replies and notices) as staff see it: no sender lease, no provider id. */
export const OutboundMailView = z.object({
  id: z.string(),
  kind: z.enum(['reply', 'notice']),
  audience: Audience,
  template: z.string().optional(),
  promiseToCustomer: z.boolean().optional(),
  messageId: z.string().optional(),
  summary: z.string().optional(),
  escalation: SlaNotice.shape.escalation,
  at: Instant,
  queuedAt: Instant,
  status: z.enum(['pending', 'sent', 'skipped', 'failed']),
  attempts: z.number().int(),
  retryAt: Instant.optional(),
  sentAt: Instant.optional(),
  to: z.array(z.string()).optional(),
  emailMessageId: z.string().optional(),
  reason: z.string().optional(),
});

export const TicketSlaView = z.object({
  ticketId: z.string(),
  now: Instant,
  timeZone: z.string().describe('the desk’s zone, for showing the clocks as the desk reads them'),
  pack: z.string().nullable().describe('`<pack id>@<version>` the clocks are computed with'),
  metrics: z.array(SlaMetric),
  log: z.array(SlaLogEntry),
  nextCheckpoint: Instant.nullable(),
  applied: z.array(AppliedSlaAction).describe('what the SLA workflow has applied, in order'),
  timedBy: z.string().nullable().describe('the pack version the workflow last planned with'),
  workflow: z.string().nullable().describe('the current workflow execution’s name'),
});

export const SlaPreviewView = z.object({
  packId: z.string(),
  packVersion: z.string(),
  ticket: z.object({
    priority: Priority,
    plan: z.string(),
    channel: Channel,
    status: Status,
    tier: z.number().int(),
  }),
  metrics: z.array(SlaMetric),
  log: z.array(SlaLogEntry),
  actions: z.array(SlaAction),
  nextCheckpoint: Instant.nullable(),
  now: Instant,
  upcoming: z.array(SlaAction).describe('what would fall due after `now` if nothing else happened'),
});

// ---- Suspended mail -------------------------------------------------------------------------

export const SuspendedMailView = z.object({
  desk: z.string(),
  id: z.string(),
  status: z.enum(['suspended', 'releasing', 'released', 'rejected']),
  reason: z.string().describe('why it was suspended (the failed checks)'),
  from: z.string(),
  to: z.string(),
  queueAddress: z.string(),
  subject: z.string(),
  envelopeSender: z.string(),
  emailMessageId: z.string().optional(),
  replyTo: z.string().optional().describe('the Reply-To it asked for (never followed)'),
  verdicts: z.object({ spf: z.string(), dkim: z.string(), dmarc: z.string() }),
  fromDomain: z.string().optional(),
  spfDomain: z.string().optional(),
  dkimDomains: z.array(z.string()),
  claimedTicket: z
    .object({ ticketId: z.string(), via: z.string() })
    .optional()
    .describe('the ticket the mail tried to reach, unverified'),
  rawObject: z.object({ bucket: z.string(), key: z.string() }),
  receivedAt: Instant,
  decidedBy: z.string().optional(),
  decidedAt: Instant.optional(),
  decision: z.string().optional(),
  ticketId: z.string().optional().describe('the ticket a released mail reached'),
  messageId: z.string().optional().describe('the message it became on that ticket'),
});

// ---- Attachments, holds, history ----------------------------------------------------------------

export const AttachmentView = z.object({
  id: z.string(),
  desk: z.string(),
  ticketId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  dataClass: z.string(),
  uploadedBy: z.object({ id: z.string(), role: z.string() }),
  createdAt: Instant,
});

const HistoryEntry = z.object({
  at: Instant,
  action: z.string().describe('a dotted verb, e.g. `hold.set`'),
  by: Actor,
  details: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]))
    .optional(),
});

const PendingNotice = z.object({
  id: z.string(),
  template: z.string(),
  audience: z.enum(['customer', 'agent', 'lead', 'manager']),
  to: z.string().optional(),
  createdAt: Instant,
  status: z.enum(['pending', 'sent']),
  sentAt: Instant.optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

/** The fields every compliance record has: its audit trail and the notices it owes. */
export const RecordBase = z.object({
  id: z.string(),
  desk: z.string(),
  version: z.number().int(),
  history: z.array(HistoryEntry),
  notices: z.array(PendingNotice),
});

export const LegalHoldView = RecordBase.extend({
  subject: z.union([
    z.object({ kind: z.literal('ticket'), ticketId: z.string() }),
    z.object({ kind: z.literal('requester'), email: z.string() }),
  ]),
  status: z.enum(['active', 'released']),
  reason: z.string(),
  reference: z.string().optional(),
  setAt: Instant,
  setBy: Actor,
  releasedAt: Instant.optional(),
  releasedBy: Actor.optional(),
  releaseReason: z.string().optional(),
});

const ExecutionStep = z.object({
  n: z.number().int(),
  name: z.string(),
  kind: z.string(),
  enteredAt: Instant,
  exitedAt: Instant.nullable(),
  durationMs: z.number().nullable(),
  sincePreviousMs: z.number().nullable(),
  outcome: z.enum(['succeeded', 'failed', 'timed-out', 'running', 'aborted']),
  summary: z.array(z.string()),
  attempts: z.array(z.object({ at: Instant, error: z.string(), cause: z.string() })),
  input: z.string().optional().describe('raw JSON, with `includeData=true`'),
  output: z.string().optional(),
});

export const TicketHistoryView = z.object({
  ticketId: z.string(),
  timeZone: z.string().describe('the desk’s zone, for showing times as the desk reads its clocks'),
  now: Instant,
  executions: z.array(
    z.object({
      name: z.string(),
      executionArn: z.string(),
      status: z.string(),
      startedAt: Instant.nullable(),
      stoppedAt: Instant.nullable(),
      consoleUrl: z.string().nullable(),
      steps: z.array(ExecutionStep),
      truncated: z.boolean(),
    }),
  ),
});

// ---- Retention, audit, survey -------------------------------------------------------------------

export const RetentionPreviewView = z.object({
  desk: z.string(),
  asOf: Instant.describe('the instant every page of this dry run is computed at'),
  rules: z.array(
    z.object({
      dataClass: z.string(),
      days: z.number().int(),
      cutoff: Instant.describe('items created strictly before it are due'),
      origin: z.enum(['pack', 'product-default']),
      source: z.string().optional().describe('the policy’s sentence, when the rule comes from the pack'),
    }),
  ),
  notPurged: z.array(z.object({ dataClass: z.string(), reason: z.string() })),
  candidates: z
    .record(z.string(), z.number().int())
    .optional()
    .describe('with `totals`: candidates per data class'),
  page: z
    .object({
      dataClass: z.string(),
      examined: z.number().int(),
      wouldPurge: z.number().int(),
      keptLegalHold: z.number().int(),
      keptRecentActivity: z.number().int(),
      items: z.array(z.object({ id: z.string(), createdAt: Instant })),
    })
    .nullable(),
  cursor: z.string().optional().describe('send it back for the next page; absent on the last'),
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
  csat: z.number().int().optional(),
  nps: z.number().int().optional(),
  comment: z.string().optional(),
});

// ---- Data subject requests and billing appeals ----------------------------------------------------
// Staff get the stored record without its code secrets; the requester a view of the outcome
// (shared/compliance/dsar-service.ts `dsarView`, appeal-service.ts `appealView`). A field added to a
// view is one more line in its object here; test/unit/response-schemas.test.ts names what is missing.

/** An object with one field per key, each of the same shape (counts per kind, cells per metric). */
const perKey = <K extends string, V extends z.ZodType>(keys: readonly K[], value: V) =>
  z.object(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, V>);
const Count = z.number().int();

const Money = z.object({ value: z.number(), currency: z.string().describe('ISO 4217, e.g. `USD`') });

/** A request's identity check as staff see it: the code's hash and salt never leave the store. */
const IdentityCheckView = z.object({
  status: z.enum(['pending', 'verified', 'locked']),
  method: z.enum(['one-time-code', 'staff-attestation']).optional(),
  codeExpiresAt: Instant.optional(),
  attempts: z.number().int(),
  codesIssued: z.number().int(),
  verifiedAt: Instant.optional(),
  verifiedBy: Actor.optional(),
  attestation: z.object({ method: z.enum(ATTESTATION_METHODS), note: z.string() }).optional(),
});

/** A batched export or erasure: how far it is (the same for staff and the requester). */
const DsarProgressView = z.object({
  kind: z.enum(['export', 'erasure']),
  status: z.enum(['running', 'finished']),
  processed: Count.describe('tickets done so far: exported, erased or kept under a legal hold'),
  total: Count.describe("the requester's tickets when the job started"),
  startedAt: Instant,
  finishedAt: Instant.optional(),
});

const DsarCounts = perKey(['tickets', 'messages', 'attachments', 'billingAppeals', 'dsars'], Count);

/** Every field of a data subject request, for staff (a pending code shows as `(hidden)` in its notice). */
export const DsarStaffView = RecordBase.extend({
  kind: z.enum(DSAR_KINDS),
  channel: z.enum(DSAR_CHANNELS),
  requester: z.object({ email: z.string(), name: z.string().optional() }),
  receivedAt: Instant,
  filedBy: Actor,
  status: z.enum(DSAR_STATUSES),
  identity: IdentityCheckView,
  dueAt: Instant,
  originalDueAt: Instant,
  dueRule: z.string().describe('why the due date is what it is, in words'),
  extension: z
    .object({ months: z.number().int(), reason: z.string(), at: Instant, by: Actor, previousDueAt: Instant })
    .optional(),
  overdueSince: Instant.optional(),
  appliedDeadlines: z.array(z.string()).describe('deadline actions already applied, each once'),
  export: z
    .object({
      objectKey: z.string(),
      bytes: z.number().int(),
      sha256: z.string(),
      readyAt: Instant,
      approvedBy: Actor,
      counts: DsarCounts,
    })
    .optional(),
  erasure: z
    .object({
      startedAt: Instant,
      by: Actor,
      finishedAt: Instant.optional(),
      counts: perKey(
        ['tickets', 'messages', 'attachments', 'objects', 'billingAppeals', 'otherRequests'],
        Count,
      ),
      keptUnderLegalHold: z.array(z.string()).describe('tickets a legal hold kept out of the erasure'),
    })
    .optional(),
  rejection: z.object({ reason: z.string(), at: Instant, by: Actor }).optional(),
  fulfilledAt: Instant.optional(),
  sourceMessageId: z.string().optional().describe('email intake: the Message-ID the request came with'),
  requesterErased: z.boolean().optional(),
  progress: DsarProgressView.optional(),
});

/** What the requester sees of their own request: its state and outcome, no audit trail. */
export const DsarCustomerView = z.object({
  id: z.string(),
  kind: z.enum(DSAR_KINDS),
  status: z.enum(DSAR_STATUSES),
  receivedAt: Instant,
  dueAt: Instant,
  identity: z.object({ status: IdentityCheckView.shape.status, codeExpiresAt: Instant.optional() }),
  extension: z.object({ months: z.number().int(), reason: z.string(), at: Instant }).optional(),
  export: z.object({ readyAt: Instant, bytes: z.number().int(), sha256: z.string() }).optional(),
  erasure: z
    .object({
      finishedAt: Instant,
      keptUnderLegalHold: z.number().int().describe('how many tickets a legal hold kept'),
    })
    .optional(),
  rejection: z.object({ reason: z.string(), at: Instant }).optional(),
  fulfilledAt: Instant.optional(),
  progress: DsarProgressView.optional(),
});

export const DsarView = z.union([DsarStaffView, DsarCustomerView]);

const AppealStageEnd = z.enum(['decided', 'escalated', 'auto-advanced']);

/** Every field of a billing appeal, for staff. */
export const AppealStaffView = RecordBase.extend({
  ticketId: z.string().optional(),
  requester: z.object({ id: z.string(), email: z.string(), name: z.string().optional() }),
  filedBy: Actor,
  receivedAt: Instant,
  summary: z.string(),
  billing: z.object({
    invoiceId: z.string().optional(),
    transactionIds: z.array(z.string()),
    amount: Money.optional(),
  }),
  status: z.enum(APPEAL_STATUSES),
  stages: z.array(
    z.object({
      index: z.number().int(),
      name: z.string(),
      role: z.string().describe('the policy’s word for who reviews it'),
      decidedBy: Role.describe('the least role that may decide at this stage'),
      startedAt: Instant,
      dueAt: Instant.nullable(),
      endedAt: Instant.optional(),
      end: AppealStageEnd.optional(),
    }),
  ),
  currentStage: z.number().int().nullable().describe('index into `stages`; null once decided'),
  decision: z
    .object({
      outcome: z.enum(['approved', 'denied', 'answered-by-policy']),
      note: z.string(),
      at: Instant,
      by: Actor,
      refund: Money.optional(),
    })
    .optional(),
  refund: z
    .object({
      amount: Money.optional(),
      dueAt: Instant.nullable(),
      window: z.string().optional(),
      issuedAt: Instant.optional(),
      reference: z.string().optional(),
    })
    .optional(),
  pendingApproval: z
    .object({ refund: Money, note: z.string(), at: Instant, by: Actor })
    .optional()
    .describe('a refund above the four-eyes threshold, waiting for a second approver'),
  identity: IdentityCheckView.extend({ required: z.boolean() }),
  overdueSince: Instant.optional(),
  appliedDeadlines: z.array(z.string()),
  requesterErased: z.boolean().optional(),
});

/** What the requester sees: stages and outcome; billing figures only once they may (else `billingWithheld`). */
export const AppealCustomerView = z.object({
  id: z.string(),
  ticketId: z.string().optional(),
  status: z.enum(APPEAL_STATUSES),
  receivedAt: Instant,
  summary: z.string(),
  stages: z.array(
    z.object({
      name: z.string(),
      startedAt: Instant,
      dueAt: Instant.nullable(),
      endedAt: Instant.optional(),
      end: AppealStageEnd.optional(),
    }),
  ),
  decision: z
    .object({
      outcome: AppealStaffView.shape.decision.unwrap().shape.outcome,
      at: Instant,
      policy: z.string().optional().describe('the policy’s answer, when the desk answers by policy'),
    })
    .optional(),
  identity: z.object({ required: z.boolean(), status: IdentityCheckView.shape.status }),
  billing: AppealStaffView.shape.billing.optional(),
  refund: AppealStaffView.shape.refund,
  billingWithheld: z.string().optional().describe('why the billing figures are not shown yet'),
});

export const AppealView = z.union([AppealStaffView, AppealCustomerView]);

// The DSAR export bundle (shared/compliance/export-bundle.ts), as GET /dsar/{id}/export downloads it.

const ActivityReason = { reason: z.string().optional() };
const TicketActivityEntry = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ticket-created'),
    priority: Priority,
    requestedPriority: Priority.optional(),
    plan: z.string(),
    channel: Channel,
    status: Status,
  }),
  z.object({ type: z.literal('customer-message'), messageId: z.string() }),
  z.object({
    type: z.literal('agent-reply'),
    visibility: z.enum(['public', 'internal']),
    messageId: z.string(),
    timeSpentSeconds: z.number().optional(),
  }),
  z.object({ type: z.literal('status-changed'), from: Status, to: Status, ...ActivityReason }),
  z.object({ type: z.literal('priority-changed'), from: Priority, to: Priority, ...ActivityReason }),
  z.object({ type: z.literal('plan-changed'), from: z.string(), to: z.string(), ...ActivityReason }),
  z.object({
    type: z.literal('tier-changed'),
    from: z.number().int(),
    to: z.number().int(),
    actionId: z.string().optional(),
    ...ActivityReason,
  }),
  z.object({
    type: z.literal('assignee-changed'),
    from: z.string().nullable(),
    to: z.string().nullable(),
    onCall: z.boolean().optional(),
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
  subject: z.object({ email: z.string(), name: z.string().optional() }),
  generatedAt: Instant,
  approvedBy: Actor,
  counts: DsarCounts,
  tickets: z.array(
    z.object({
      ticket: Ticket.omit({ assigneeContact: true }),
      activity: z.array(ActivityEntry),
      messages: z.array(Message),
      attachments: z.array(
        AttachmentView.omit({ desk: true, uploadedBy: true }).extend({
          contentBase64: z.string().nullable().describe('null when the file could not be read'),
        }),
      ),
      otherRecords: z
        .array(z.looseObject({ kind: z.string() }))
        .optional()
        .describe('other records kept with the ticket (survey answers, consents, …), exported as stored'),
    }),
  ),
  billingAppeals: z.array(AppealStaffView.omit({ identity: true, notices: true, version: true })),
  dataSubjectRequests: z.array(
    DsarStaffView.pick({
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
        messageId: z.string().optional(),
        field: z.string(),
        what: z.string(),
        reason: z.string(),
      }),
    )
    .describe('what was left out of this copy and why'),
});

// ---- Queue, KPIs, SLA credits ---------------------------------------------------------------------

const QueueDeadline = z.object({
  metric: Metric,
  cycle: z.number().int(),
  deadline: Instant.nullable().describe('null while the clock is paused'),
  minutesLeft: z.number().describe('in the clock’s own minutes; negative once breached'),
  targetMinutes: z.number(),
  clock: z.enum(['business', 'calendar']),
  calendar: z.string().nullable(),
  state: SlaMetric.shape.state,
  rule: z.string(),
});

const RiskLevel = z.enum(RISK_LEVELS);

export const QueueView = z.object({
  desk: z.string(),
  timeZone: z.string(),
  now: Instant,
  counts: perKey(RISK_LEVELS, Count).describe(
    'tickets read per risk level, before the priority and risk filters',
  ),
  total: z.number().int(),
  truncated: z.boolean(),
  nextCursor: z.string().nullable(),
  items: z.array(
    z.object({
      ticket: Ticket.pick({
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
      }).extend({ requester: z.object({ email: z.string(), name: z.string().optional() }).optional() }),
      risk: z.object({ level: RiskLevel, label: z.string(), reason: z.string() }),
      next: QueueDeadline.nullable().describe('the open clock with the least time left'),
      clocks: z.array(QueueDeadline).describe('every open clock, tightest first'),
      nextCheckpoint: Instant.nullable(),
    }),
  ),
});

const Attainment = z.object({
  measured: z.number().int(),
  met: z.number().int(),
  breached: z.number().int(),
  open: z.number().int(),
  attainment: z.number().nullable().describe('met / (met + breached), a fraction'),
});

export const KpiReportView = z.object({
  desk: z.string(),
  period: z.object({
    name: z.enum(['30d', '90d', '365d']),
    days: z.number().int(),
    from: Instant,
    to: Instant,
  }),
  timeZone: z.string(),
  generatedAt: Instant,
  population: z.object({
    tickets: z.number().int(),
    surveys: z.number().int(),
    backlog: z.number().int(),
    truncated: z.object({ tickets: z.boolean(), surveys: z.boolean(), backlog: z.boolean() }),
  }),
  policy: z.object({ document: z.string(), cadence: z.string().nullable() }),
  kpis: z.array(
    z.object({
      kpi: z.enum(KPI_NAMES),
      label: z.string(),
      value: z.number().nullable().describe('ratios as fractions (unit %), times in minutes or hours'),
      unit: z.enum(['min', 'h', '%', 'score']),
      basis: z.number().int().describe('how many tickets or answers the value rests on'),
      detail: z.record(z.string(), z.number().nullable()),
      target: z
        .object({
          kpi: z.enum(KPI_NAMES),
          comparator: z.enum(['>=', '>', '<', '<=', 'between']),
          value: z.number(),
          upper: z.number().optional(),
          source: z.string().describe('the policy’s sentence'),
          text: z.string(),
        })
        .nullable(),
      verdict: z.enum(['met', 'missed', 'no-data', 'no-target']),
    }),
  ),
  slaAttainment: z.object({
    pack: z.string().nullable(),
    overall: Attainment,
    byMetric: perKey(METRICS, Attainment.extend({ byPriority: perKey(PRIORITIES, Attainment) }))
      .nullable()
      .describe('null when the desk has no policy pack'),
    rejected: z.array(z.object({ id: z.string(), error: z.string() })),
  }),
  backlog: z.object({
    count: z.number().int(),
    medianHours: z.number().nullable(),
    p90Hours: z.number().nullable(),
    oldestHours: z.number().nullable(),
    byAge: z.array(z.object({ label: z.string(), count: z.number().int() })),
    byStatus: z.partialRecord(Status, z.number().int()),
  }),
  trend: z.object({
    size: z.enum(['daily', 'weekly']),
    points: z.array(
      z.object({
        start: Instant,
        end: Instant,
        label: z.string(),
        tickets: z.number().int(),
        resolved: z.number().int(),
        firstResponseMedianMinutes: z.number().nullable(),
        firstContactResolution: z.number().nullable(),
        reopenRate: z.number().nullable(),
        csat: z.number().nullable(),
        nps: z.number().nullable(),
        slaAttainment: z.number().nullable(),
      }),
    ),
  }),
});

export const SlaCreditsView = z.object({
  desk: z.string(),
  month: z.string().describe('a UTC month, YYYY-MM'),
  status: z
    .enum(['computed', 'pending', 'month-open'])
    .describe('`pending`: the month has closed, the daily job has not computed it yet'),
  report: z
    .object({
      desk: z.string(),
      month: z.string(),
      computedAt: Instant,
      policy: z.string().describe('where the credit schedule comes from'),
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
      accountsCredited: z.number().int(),
    })
    .nullable(),
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
  .describe('a JSON Schema (2020-12 dialect, as OpenAPI 3.1 embeds it)');
const MediaTypes = z.record(
  z.string(),
  z.object({
    schema: EmbeddedJsonSchema,
    examples: z.record(z.string(), z.object({ value: JsonValue })).optional(),
  }),
);
const ResponseObject = z.object({ description: z.string(), content: MediaTypes.optional() });
const Reference = z.object({ $ref: z.string() });

const OperationObject = z.object({
  operationId: z.string(),
  tags: z.array(z.string()),
  summary: z.string(),
  description: z.string().optional(),
  security: z.array(z.record(z.string(), z.array(z.string()))),
  parameters: z
    .array(
      z.object({
        name: z.string(),
        in: z.enum(['path', 'query', 'header']),
        required: z.boolean(),
        description: z.string().optional(),
        schema: EmbeddedJsonSchema,
      }),
    )
    .optional(),
  requestBody: z.object({ required: z.boolean(), content: MediaTypes }).optional(),
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
