import * as z from 'zod';
import { Metric } from '#shared/policy/schema.ts';
import { Channel, Priority, Status } from '#shared/tickets/model.ts';

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
