/**
 * Billing appeals: staged review with a deadline per stage from the pack (RCH SpyFocus: billing agent
 * 48 hours → supervisor 5 business days → finance/legal 15 business days). A stage that misses its
 * deadline advances by itself where the pack says so, and the next stage's clock starts at the
 * missed deadline (a late sweep does not give reviewers extra time). The customer is told at every
 * stage. After an approval, the refund falls due where the pack has a settlement window (Acentus:
 * 7 business days). A desk whose policy has no refunds (RareLogic) answers the appeal with the policy
 * at once: recorded, answered, never dropped.
 *
 * Billing information (amounts, invoices, outcomes' figures) is released to the requester only after
 * identity verification on desks whose pack asks for it.
 */
import * as z from '#shared/validation/zod.ts';
import type { Role } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { PolicyPack } from '../policy/schema.ts';
import { addPolicyDuration, describeDuration, type PolicyDuration } from './durations.ts';
import { type IdentityCheck, issueCode, isVerified, pendingCheck } from './identity.ts';
import {
  type Actor,
  nextVersion,
  type RecordBase,
  ROLE_RANK,
  SYSTEM,
  withHistory,
  withNotice,
} from './records.ts';
import {
  resendVerificationCode,
  type VerificationInput,
  type VerificationRules,
  verifyRequester,
} from './verifiable-request.ts';

export interface AppealStageDefinition {
  name: string;
  role: string;
  duration: PolicyDuration | null;
  calendar?: string;
  autoAdvance: boolean;
}

/** For a desk whose pack names no stages: one review by the billing team, with no deadline the policy does not give. */
export const DEFAULT_STAGE: AppealStageDefinition = {
  name: 'Billing review',
  role: 'billing-agent',
  duration: null,
  autoAdvance: false,
};

/** The least role that may decide at a stage (pack roles are the document's words). */
const STAGE_ROLE: Record<string, Role> = {
  'billing-agent': 'agent',
  agent: 'agent',
  supervisor: 'lead',
  lead: 'lead',
  'finance-legal': 'manager',
  finance: 'manager',
  legal: 'manager',
  manager: 'manager',
};

export function stageDecider(stageRole: string): Role {
  return STAGE_ROLE[stageRole] ?? 'lead';
}

export function appealStages(pack: PolicyPack | undefined): AppealStageDefinition[] {
  const stages = pack?.billingAppeals?.stages;
  if (!stages?.length) return [DEFAULT_STAGE];
  return stages.map((s) => ({
    name: s.name,
    role: s.role,
    duration: s.duration,
    ...(s.calendar ? { calendar: s.calendar } : {}),
    autoAdvance: s.autoAdvance,
  }));
}

export function refundsAllowed(pack: PolicyPack | undefined): boolean {
  return pack?.refunds?.allowed ?? true;
}

export function billingNeedsVerification(pack: PolicyPack | undefined): boolean {
  return pack?.identityVerification?.beforeReleasing.includes('billing-information') ?? false;
}

/** Money goes only to a requester whose identity has been verified, where the pack says so. */
export function refundNeedsVerification(pack: PolicyPack | undefined): boolean {
  return pack?.identityVerification?.beforeReleasing.includes('refund') ?? false;
}

/** Refunds above this amount need a second, different lead or manager (four eyes); none without the pack field. */
export function secondApproverAbove(pack: PolicyPack | undefined): number | undefined {
  return pack?.staffAuthority?.refundSecondApproverAbove;
}

/** Roles that may give the second approval of a large refund. */
const SECOND_APPROVERS: ReadonlySet<string> = new Set(['lead', 'manager']);

/** The settlement window that sets a refund's due date after approval, if the pack has one. */
export function settlementWindow(pack: PolicyPack | undefined) {
  return pack?.refunds?.windows.find((w) => w.kind === 'settlement');
}

export const APPEAL_STATUSES = ['in-review', 'approved', 'denied', 'refunded', 'answered-by-policy'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

export interface AppealStage {
  index: number;
  name: string;
  role: string;
  decidedBy: Role;
  startedAt: string;
  dueAt: string | null;
  endedAt?: string;
  end?: 'decided' | 'escalated' | 'auto-advanced';
}

export interface Money {
  value: number;
  currency: string;
}

export interface BillingAppeal extends RecordBase {
  ticketId?: string;
  requester: { id: string; email: string; name?: string };
  filedBy: Actor;
  receivedAt: string;
  summary: string;
  /** Billing information: released to the requester only when `identity` allows. */
  billing: { invoiceId?: string; transactionIds: string[]; amount?: Money };
  status: AppealStatus;
  stages: AppealStage[];
  /** Index into `stages` of the stage under review; null once decided. */
  currentStage: number | null;
  decision?: {
    outcome: 'approved' | 'denied' | 'answered-by-policy';
    note: string;
    at: string;
    by: Actor;
    refund?: Money;
  };
  refund?: { amount?: Money; dueAt: string | null; window?: string; issuedAt?: string; reference?: string };
  /** A refund above the desk's four-eyes threshold, approved once and waiting for a second, different approver. */
  pendingApproval?: { refund: Money; note: string; at: string; by: Actor };
  identity: IdentityCheck & { required: boolean };
  overdueSince?: string;
  appliedDeadlines: string[];
  requesterErased?: boolean;
}

export const MoneyBody = z.strictObject({
  value: z.number().check(z.positive(), z.maximum(10_000_000), z.multipleOf(0.01)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')),
});

export const CreateAppealBody = z.strictObject({
  summary: z.string().check(z.trim(), z.minLength(10), z.maxLength(4000)),
  ticketId: z.optional(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a ticket id'))),
  invoiceId: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  transactionIds: z.optional(
    z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))).check(z.maxLength(20)),
  ),
  amount: z.optional(MoneyBody),
  requester: z.optional(
    z.strictObject({
      email: z.pipe(
        z.email().check(z.maxLength(254)),
        z.transform((e) => e.toLowerCase()),
      ),
      name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
    }),
  ),
});
export type CreateAppealBody = z.infer<typeof CreateAppealBody>;

const stageDetails = (s: AppealStage) => ({ stage: s.name, stageIndex: s.index, dueAt: s.dueAt });

function startStage(pack: PolicyPack | undefined, index: number, startedAt: Date): AppealStage {
  const def = appealStages(pack)[index]!;
  const dueAt = def.duration
    ? addPolicyDuration(pack, startedAt, def.duration, def.calendar).toISOString()
    : null;
  return {
    index,
    name: def.name,
    role: def.role,
    decidedBy: stageDecider(def.role),
    startedAt: startedAt.toISOString(),
    dueAt,
  };
}

function customerParams(appeal: BillingAppeal, extra: Record<string, string | number | boolean | null> = {}) {
  return { appealId: appeal.id, ...extra };
}

function stageNotices(
  appeal: BillingAppeal,
  stage: AppealStage,
  at: string,
  advancedBecause?: string,
): BillingAppeal {
  let next = withNotice(appeal, {
    template: 'billing-appeal-stage-started',
    audience: 'customer',
    to: appeal.requester.email,
    createdAt: at,
    params: customerParams(appeal, {
      stage: stage.name,
      dueAt: stage.dueAt,
      ...(advancedBecause ? { advancedBecause } : {}),
    }),
  });
  next = withNotice(next, {
    template: 'billing-appeal-review-due',
    audience: stage.decidedBy === 'agent' ? 'agent' : stage.decidedBy === 'lead' ? 'lead' : 'manager',
    createdAt: at,
    params: { appealId: appeal.id, stage: stage.name, dueAt: stage.dueAt },
  });
  return next;
}

export function openAppeal(input: {
  id: string;
  desk: string;
  pack: PolicyPack | undefined;
  requester: { id: string; email: string; name?: string | undefined };
  filedBy: Actor;
  body: CreateAppealBody;
  now: Date;
  code: string;
  salt: string;
}): BillingAppeal {
  const { pack, now, body } = input;
  const at = now.toISOString();
  const required = billingNeedsVerification(pack);
  let identity: BillingAppeal['identity'] = { ...pendingCheck(), required };
  if (required) {
    const issued = issueCode(identity, input.code, input.salt, now);
    if (issued.ok) identity = { ...issued.check, required };
  }
  const requester = {
    id: input.requester.id,
    email: input.requester.email,
    ...(input.requester.name ? { name: input.requester.name } : {}),
  };
  let appeal: BillingAppeal = {
    id: input.id,
    desk: input.desk,
    version: 1,
    history: [],
    notices: [],
    ...(body.ticketId ? { ticketId: body.ticketId } : {}),
    requester,
    filedBy: input.filedBy,
    receivedAt: at,
    summary: body.summary,
    billing: {
      ...(body.invoiceId ? { invoiceId: body.invoiceId } : {}),
      transactionIds: body.transactionIds ?? [],
      ...(body.amount ? { amount: body.amount } : {}),
    },
    status: 'in-review',
    stages: [],
    currentStage: null,
    identity,
    appliedDeadlines: [],
  };
  appeal = withHistory(appeal, {
    at,
    action: 'billing-appeal.received',
    by: input.filedBy,
    details: { ticketId: body.ticketId ?? null, identityRequired: required },
  });
  if (required) {
    appeal = withNotice(appeal, {
      template: 'billing-identity-code',
      audience: 'customer',
      to: requester.email,
      createdAt: at,
      params: { appealId: appeal.id, code: input.code, expiresAt: identity.codeExpiresAt ?? null },
    });
  }
  if (!refundsAllowed(pack)) {
    const policy = pack?.refunds?.source ?? 'This desk does not give refunds.';
    appeal = withHistory(
      {
        ...appeal,
        status: 'answered-by-policy',
        decision: { outcome: 'answered-by-policy', note: policy, at, by: SYSTEM },
      },
      { at, action: 'billing-appeal.answered-by-policy', by: SYSTEM, details: { policy } },
    );
    return withNotice(appeal, {
      template: 'billing-appeal-no-refunds',
      audience: 'customer',
      to: requester.email,
      createdAt: at,
      params: customerParams(appeal, { policy }),
    });
  }
  const first = startStage(pack, 0, now);
  appeal = withHistory(
    { ...appeal, stages: [first], currentStage: 0 },
    { at, action: 'billing-appeal.stage-started', by: input.filedBy, details: stageDetails(first) },
  );
  return stageNotices(appeal, first, at);
}

export const DecisionBody = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('approve'),
    note: z.string().check(z.trim(), z.minLength(3), z.maxLength(2000)),
    refund: z.optional(MoneyBody),
  }),
  z.strictObject({
    outcome: z.literal('deny'),
    note: z.string().check(z.trim(), z.minLength(3), z.maxLength(2000)),
  }),
  z.strictObject({
    outcome: z.literal('escalate'),
    note: z.string().check(z.trim(), z.minLength(3), z.maxLength(2000)),
  }),
  z.strictObject({
    outcome: z.literal('refund-issued'),
    reference: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    note: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
  }),
]);
export type DecisionBody = z.infer<typeof DecisionBody>;

function assertMayDecide(stage: AppealStage, by: Actor) {
  if (ROLE_RANK[by.role] < ROLE_RANK[stage.decidedBy]) {
    throw DomainError.forbidden(`The ${stage.name} stage is decided by ${stage.decidedBy} or above.`);
  }
}

/** A reviewer's decision at the current stage: approve, deny, escalate to the next stage; or, after approval, the refund issued. */
export function decideAppeal(
  appeal: BillingAppeal,
  pack: PolicyPack | undefined,
  body: DecisionBody,
  by: Actor,
  now: Date,
): BillingAppeal {
  const at = now.toISOString();
  if (body.outcome === 'refund-issued') {
    if (appeal.status !== 'approved' || !appeal.refund) {
      throw DomainError.conflict(
        'no-refund-due',
        'Only an approved appeal with a refund can have its refund recorded.',
      );
    }
    if (ROLE_RANK[by.role] < ROLE_RANK.agent)
      throw DomainError.forbidden('Only support staff record refunds.');
    const next = withHistory(
      {
        ...nextVersion(appeal),
        status: 'refunded' as const,
        refund: { ...appeal.refund, issuedAt: at, reference: body.reference },
      },
      {
        at,
        action: 'billing-appeal.refund-issued',
        by,
        details: {
          reference: body.reference,
          dueAt: appeal.refund.dueAt,
          onTime: appeal.refund.dueAt === null || at <= appeal.refund.dueAt,
        },
      },
    );
    return withNotice(next, {
      template: 'billing-appeal-refund-issued',
      audience: 'customer',
      to: appeal.requester.email,
      createdAt: at,
      params: customerParams(appeal, releasable(appeal, { reference: body.reference })),
    });
  }
  if (appeal.status !== 'in-review' || appeal.currentStage === null) {
    throw DomainError.conflict('appeal-decided', `This appeal is already ${appeal.status}.`);
  }
  const stage = appeal.stages[appeal.currentStage]!;
  assertMayDecide(stage, by);
  const ended: AppealStage = {
    ...stage,
    endedAt: at,
    end: body.outcome === 'escalate' ? 'escalated' : 'decided',
  };
  const stages = appeal.stages.map((s) => (s.index === stage.index ? ended : s));
  if (body.outcome === 'escalate') {
    const defs = appealStages(pack);
    if (stage.index + 1 >= defs.length) {
      throw DomainError.conflict('final-stage', `${stage.name} is the final stage: approve or deny.`);
    }
    const started = startStage(pack, stage.index + 1, now);
    const next = withHistory(
      { ...nextVersion(appeal), stages: [...stages, started], currentStage: started.index },
      {
        at,
        action: 'billing-appeal.escalated',
        by,
        details: { from: stage.name, to: started.name, note: body.note, dueAt: started.dueAt },
      },
    );
    return stageNotices(next, started, at);
  }
  if (body.outcome === 'deny') {
    const next = withHistory(
      {
        ...withoutPendingApproval(nextVersion(appeal)),
        stages,
        currentStage: null,
        status: 'denied' as const,
        decision: { outcome: 'denied' as const, note: body.note, at, by },
      },
      {
        at,
        action: 'billing-appeal.denied',
        by,
        details: { stage: stage.name, note: body.note, onTime: stage.dueAt === null || at <= stage.dueAt },
      },
    );
    return withNotice(next, {
      template: 'billing-appeal-decided',
      audience: 'customer',
      to: appeal.requester.email,
      createdAt: at,
      params: customerParams(appeal, { outcome: 'denied', stage: stage.name }),
    });
  }
  if (body.refund) {
    assertRefundWithinClaim(appeal, body.refund);
    if (refundNeedsVerification(pack) && !isVerified(appeal.identity)) {
      throw DomainError.conflict(
        'identity-not-verified',
        "This desk refunds only a verified requester: verify the requester's identity first.",
      );
    }
    const threshold = secondApproverAbove(pack);
    if (threshold !== undefined && body.refund.value > threshold) {
      const pending = appeal.pendingApproval;
      if (!pending) {
        return withHistory<BillingAppeal>(
          { ...nextVersion(appeal), pendingApproval: { refund: body.refund, note: body.note, at, by } },
          {
            at,
            action: 'billing-appeal.approval-pending',
            by,
            details: {
              stage: stage.name,
              refund: `${body.refund.value} ${body.refund.currency}`,
              secondApproverAbove: threshold,
            },
          },
        );
      }
      if (pending.by.id === by.id) {
        throw DomainError.forbidden(
          `A refund above ${threshold} needs a second approver: someone other than ${pending.by.id} must approve it.`,
        );
      }
      if (!SECOND_APPROVERS.has(by.role)) {
        throw DomainError.forbidden(
          `The second approval of a refund above ${threshold} is given by a lead or manager.`,
        );
      }
      if (pending.refund.value !== body.refund.value || pending.refund.currency !== body.refund.currency) {
        throw DomainError.conflict(
          'approval-mismatch',
          `The first approval was for ${pending.refund.value} ${pending.refund.currency}; approve that amount or deny.`,
        );
      }
    }
  }
  const window = settlementWindow(pack);
  const refundDueAt =
    body.refund && window ? addPolicyDuration(pack, now, window.duration).toISOString() : null;
  const next = withHistory<BillingAppeal>(
    {
      ...withoutPendingApproval(nextVersion(appeal)),
      stages,
      currentStage: null,
      status: 'approved',
      decision: {
        outcome: 'approved',
        note: body.note,
        at,
        by,
        ...(body.refund ? { refund: body.refund } : {}),
      },
      ...(body.refund
        ? {
            refund: {
              amount: body.refund,
              dueAt: refundDueAt,
              ...(window ? { window: `${window.id}: ${describeDuration(window.duration)}` } : {}),
            },
          }
        : {}),
    },
    {
      at,
      action: 'billing-appeal.approved',
      by,
      details: {
        stage: stage.name,
        note: body.note,
        refund: body.refund ? `${body.refund.value} ${body.refund.currency}` : null,
        refundDueAt,
        onTime: stage.dueAt === null || at <= stage.dueAt,
        ...(appeal.pendingApproval && body.refund ? { firstApprover: appeal.pendingApproval.by.id } : {}),
      },
    },
  );
  const approved: BillingAppeal = next;
  return withNotice(approved, {
    template: 'billing-appeal-decided',
    audience: 'customer',
    to: appeal.requester.email,
    createdAt: at,
    params: customerParams(
      appeal,
      releasable(approved, {
        outcome: 'approved',
        stage: stage.name,
        refund: body.refund ? `${body.refund.value} ${body.refund.currency}` : null,
        refundDueAt,
      }),
    ),
  });
}

function withoutPendingApproval(appeal: BillingAppeal): BillingAppeal {
  const { pendingApproval: _pending, ...rest } = appeal;
  return rest;
}

/** A refund is capped at what the requester claimed, in the same currency; without a claimed amount there is no cap to check. */
function assertRefundWithinClaim(appeal: BillingAppeal, refund: Money): void {
  const claimed = appeal.billing.amount;
  if (!claimed) {
    throw DomainError.unprocessable([
      { pointer: '/refund', detail: 'the appeal claims no amount; a refund is capped at the claimed amount' },
    ]);
  }
  if (refund.currency !== claimed.currency) {
    throw DomainError.unprocessable([
      { pointer: '/refund/currency', detail: `the claim is in ${claimed.currency}` },
    ]);
  }
  if (refund.value > claimed.value) {
    throw DomainError.unprocessable([
      {
        pointer: '/refund/value',
        detail: `above the claimed amount (${claimed.value} ${claimed.currency})`,
      },
    ]);
  }
}

/** Figures go into a customer notice only when the requester may see billing information. */
function releasable(
  appeal: BillingAppeal,
  params: Record<string, string | number | boolean | null>,
): Record<string, string | number | boolean | null> {
  if (mayReleaseBilling(appeal)) return params;
  const kept = Object.fromEntries(Object.entries(params).filter(([k]) => k === 'outcome' || k === 'stage'));
  return { ...kept, billingWithheld: 'identity-not-verified' };
}

export function mayReleaseBilling(appeal: BillingAppeal): boolean {
  return !appeal.identity.required || isVerified(appeal.identity);
}

export interface AppealDeadline {
  id: string;
  at: string;
  kind: 'stage-missed' | 'refund-overdue';
  stageIndex?: number;
}

export function appealDeadlines(appeal: BillingAppeal): AppealDeadline[] {
  const out: AppealDeadline[] = [];
  if (appeal.status === 'in-review' && appeal.currentStage !== null) {
    const stage = appeal.stages[appeal.currentStage]!;
    if (stage.dueAt)
      out.push({
        id: `stage-missed:${stage.index}`,
        at: stage.dueAt,
        kind: 'stage-missed',
        stageIndex: stage.index,
      });
  }
  if (appeal.status === 'approved' && appeal.refund?.dueAt && !appeal.refund.issuedAt) {
    out.push({ id: 'refund-overdue', at: appeal.refund.dueAt, kind: 'refund-overdue' });
  }
  return out.filter((d) => !appeal.appliedDeadlines.includes(d.id));
}

export function nextAppealDeadline(appeal: BillingAppeal): string | null {
  const pending = appealDeadlines(appeal);
  return pending.length ? pending.map((d) => d.at).sort()[0]! : null;
}

/**
 * Applies every deadline that has passed: a missed stage with `autoAdvance` hands the appeal to the
 * next stage (whose clock starts at the missed deadline; several stages may pass in one go); a missed
 * final stage escalates to the managers once; an unpaid refund past its due date is escalated once.
 */
export function applyAppealDeadlines(
  appeal: BillingAppeal,
  pack: PolicyPack | undefined,
  now: Date,
): BillingAppeal {
  const nowIso = now.toISOString();
  let current = appeal;
  for (let guard = 0; guard < 10; guard++) {
    const due = appealDeadlines(current).filter((d) => d.at <= nowIso);
    const deadline = due.sort((a, b) => a.at.localeCompare(b.at))[0];
    if (!deadline) break;
    current = { ...current, appliedDeadlines: [...current.appliedDeadlines, deadline.id] };
    if (current.version === appeal.version) current = nextVersion(current);
    if (deadline.kind === 'refund-overdue') {
      current = withHistory(current, {
        at: nowIso,
        action: 'billing-appeal.refund-overdue',
        by: SYSTEM,
        details: { dueAt: deadline.at },
      });
      current = withNotice(current, {
        template: 'billing-appeal-refund-overdue',
        audience: 'manager',
        createdAt: nowIso,
        params: { appealId: current.id, dueAt: deadline.at },
      });
      continue;
    }
    const stage = current.stages[deadline.stageIndex!]!;
    const defs = appealStages(pack);
    const def = defs[stage.index];
    if (def?.autoAdvance && stage.index + 1 < defs.length) {
      const started = startStage(pack, stage.index + 1, new Date(deadline.at));
      const stages = current.stages.map((s) =>
        s.index === stage.index ? { ...s, endedAt: deadline.at, end: 'auto-advanced' as const } : s,
      );
      current = withHistory(
        { ...current, stages: [...stages, started], currentStage: started.index },
        {
          at: nowIso,
          action: 'billing-appeal.auto-advanced',
          by: SYSTEM,
          details: { missed: stage.name, missedAt: deadline.at, to: started.name, dueAt: started.dueAt },
        },
      );
      current = withNotice(current, {
        template: 'billing-appeal-stage-missed',
        audience: 'manager',
        createdAt: nowIso,
        params: { appealId: current.id, missed: stage.name, missedAt: deadline.at, to: started.name },
      });
      current = stageNotices(current, started, nowIso, `${stage.name} did not decide by ${deadline.at}`);
    } else {
      current = withHistory(
        { ...current, overdueSince: deadline.at },
        {
          at: nowIso,
          action: 'billing-appeal.overdue-escalated',
          by: SYSTEM,
          details: { stage: stage.name, dueAt: deadline.at },
        },
      );
      current = withNotice(current, {
        template: 'billing-appeal-overdue',
        audience: 'manager',
        createdAt: nowIso,
        params: { appealId: current.id, stage: stage.name, dueAt: deadline.at },
      });
    }
  }
  return current;
}

/** How an appeal's requester is verified before billing information is released (where the pack asks). */
const APPEAL_VERIFICATION: VerificationRules<BillingAppeal> = {
  actionPrefix: 'billing-appeal',
  noun: 'appeal',
  codeNotice: (appeal, code, expiresAt) => ({
    template: 'billing-identity-code',
    params: { appealId: appeal.id, code, expiresAt },
  }),
  assertVerifiable: (appeal) => {
    if (!appeal.identity.required)
      throw DomainError.conflict(
        'not-required',
        'This desk releases billing information without a separate check.',
      );
  },
  identity: (check) => ({ ...check, required: true }),
  verified: (appeal) => appeal,
};

/** A new one-time code for the billing-information check (the previous one stops working). */
export function resendAppealCode(
  appeal: BillingAppeal,
  code: string,
  salt: string,
  by: Actor,
  now: Date,
): BillingAppeal {
  return resendVerificationCode(APPEAL_VERIFICATION, appeal, code, salt, by, now);
}

/** Identity verification for the release of billing information (the same code/attestation rules as DSARs). */
export function verifyAppealIdentity(
  appeal: BillingAppeal,
  input: VerificationInput,
  by: Actor,
  now: Date,
): { appeal: BillingAppeal; verified: boolean; reason?: string } {
  const { record, ...outcome } = verifyRequester(APPEAL_VERIFICATION, appeal, input, by, now);
  return { appeal: record, ...outcome };
}

export const isAppealOpen = (a: BillingAppeal) => a.status === 'in-review' || a.status === 'approved';
