/** Billing appeal use cases around the pure rules of billing-appeal.ts. */
import * as z from '#shared/validation/zod.ts';
import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { IdempotencyStore } from '../idempotency/ports.ts';
import type { PolicyPack } from '../policy/schema.ts';
import type { BanCheck } from '../tickets/bans.ts';
import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import {
  APPEAL_STATUSES,
  applyAppealDeadlines,
  type BillingAppeal,
  type CreateAppealBody,
  type DecisionBody,
  decideAppeal,
  mayReleaseBilling,
  openAppeal,
  resendAppealCode,
  verifyAppealIdentity,
} from './billing-appeal.ts';
import type { VerificationBody } from './dsar.ts';
import { appealIndex } from './dsar-service.ts';
import { CODE_DIGITS } from './identity.ts';
import type { ComplianceStore, DeadlineScheduler, RandomSource } from './ports.ts';
import { recordRepository } from './record-repository.ts';
import { actorOf } from './records.ts';
import { applyDueDeadlines, listRequests, requestIdFor, verificationRefused } from './verifiable-request.ts';

export interface AppealServiceDeps {
  records: ComplianceStore;
  /** A banned requester's appeal is refused, as their tickets are. */
  bans: BanCheck;
  tickets: TicketReader;
  /** Creates under an Idempotency-Key (and one request per mailed Message-ID) happen once. */
  idempotency: IdempotencyStore;
  scheduler: DeadlineScheduler;
  clock: Clock;
  random: RandomSource;
  packFor(desk: string): PolicyPack | undefined;
}

export const ListAppealsQuery = z.strictObject({
  status: z.optional(z.enum(APPEAL_STATUSES)),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(2000))),
});

/**
 * Staff see everything but secrets. The requester sees the stages and the outcome, and the billing
 * figures only once they may (identity verified where the desk requires it).
 */
export function appealView(appeal: BillingAppeal, principal: Principal) {
  const { codeHash: _h, codeSalt: _s, ...identity } = appeal.identity;
  if (isStaff(principal)) {
    return {
      ...appeal,
      identity,
      notices: appeal.notices.map((n) =>
        'code' in n.params ? { ...n, params: { ...n.params, code: '(hidden)' } } : n,
      ),
    };
  }
  const release = mayReleaseBilling(appeal);
  const decision = appeal.decision
    ? {
        outcome: appeal.decision.outcome,
        at: appeal.decision.at,
        ...(appeal.decision.outcome === 'answered-by-policy' ? { policy: appeal.decision.note } : {}),
      }
    : undefined;
  return {
    id: appeal.id,
    ...(appeal.ticketId ? { ticketId: appeal.ticketId } : {}),
    status: appeal.status,
    receivedAt: appeal.receivedAt,
    summary: appeal.summary,
    stages: appeal.stages.map((s) => ({
      name: s.name,
      startedAt: s.startedAt,
      dueAt: s.dueAt,
      ...(s.endedAt ? { endedAt: s.endedAt, end: s.end } : {}),
    })),
    ...(decision ? { decision } : {}),
    identity: { required: identity.required, status: identity.status },
    ...(release
      ? {
          billing: appeal.billing,
          ...(appeal.refund ? { refund: appeal.refund } : {}),
        }
      : { billingWithheld: 'Verify your identity to see invoices, amounts and refunds.' }),
  };
}

/*
 * The use cases come in groups, one per kind of route, each taking only what it runs (as in
 * dsar-service.ts): a read route bundles neither the appeal process's rules nor the packs.
 * `appealService` is all of them.
 */

/** The appeal, if the caller may see it (customers: their own; staff: their desk's). */
async function visibleAppeal(records: ComplianceStore, principal: Principal, id: string) {
  const appeal = await records.get<BillingAppeal>('billing-appeal', principal.desk, id);
  const mine =
    principal.role === 'customer' && !!principal.email && appeal?.requester.email === principal.email;
  if (!appeal || (!isStaff(principal) && !mine)) throw DomainError.notFound(`Billing appeal ${id}`);
  return appeal;
}

type AppealRecordDeps = Pick<AppealServiceDeps, 'records' | 'scheduler' | 'clock'>;

function appealRecords(deps: AppealRecordDeps) {
  return {
    repo: recordRepository<BillingAppeal>(deps, appealIndex()),
    now: () => deps.clock.now(),
    visible: (principal: Principal, id: string) => visibleAppeal(deps.records, principal, id),
  };
}

/** Reading appeals: the table alone. */
export function appealReads(deps: Pick<AppealServiceDeps, 'records'>) {
  const visible = (principal: Principal, id: string) => visibleAppeal(deps.records, principal, id);
  return {
    list(principal: Principal, query: z.infer<typeof ListAppealsQuery>) {
      return listRequests<BillingAppeal, ReturnType<typeof appealView>>(
        deps.records,
        'billing-appeal',
        principal,
        query,
        (r) => appealView(r, principal),
        'Customers see their own appeals.',
      );
    },

    async get(principal: Principal, id: string) {
      return appealView(await visible(principal, id), principal);
    },
  };
}

/** Verifying the requester's identity before billing information is released. */
export function appealVerification(deps: AppealRecordDeps & Pick<AppealServiceDeps, 'random'>) {
  const { repo, now, visible } = appealRecords(deps);
  return {
    async verify(principal: Principal, id: string, body: z.infer<typeof VerificationBody>) {
      await visible(principal, id);
      let outcome: { verified: boolean; reason?: string | undefined } = { verified: false };
      const saved = await repo.update(principal.desk, id, (a) => {
        const result = verifyAppealIdentity(a, body, actorOf(principal), now());
        outcome = { verified: result.verified, reason: result.reason };
        return result.appeal;
      });
      if (!outcome.verified) throw verificationRefused(outcome.reason, 'ask support for a new one.');
      return appealView(saved, principal);
    },

    async resendCode(principal: Principal, id: string) {
      await visible(principal, id);
      const saved = await repo.update(principal.desk, id, (a) =>
        resendAppealCode(a, deps.random.code(CODE_DIGITS), deps.random.salt(), actorOf(principal), now()),
      );
      return appealView(saved, principal);
    },
  };
}

/** Opening, deciding and the stage deadlines: the appeal process of the desk's pack. */
export function appealLifecycle(deps: AppealServiceDeps) {
  const { repo, now, visible } = appealRecords(deps);
  return {
    async create(principal: Principal, body: CreateAppealBody, idem?: { key: string; requestHash: string }) {
      const onBehalf = principal.role !== 'customer';
      if (!onBehalf && body.requester) {
        throw DomainError.validation([{ pointer: '/requester', detail: 'set from your sign-in' }]);
      }
      if (onBehalf && !body.requester) {
        throw DomainError.validation([
          { pointer: '/requester', detail: 'required when appealing for someone' },
        ]);
      }
      if (!onBehalf && !principal.email) throw DomainError.forbidden('Your token carries no email address.');
      const requester = onBehalf
        ? { id: `email:${body.requester!.email}`, email: body.requester!.email, name: body.requester!.name }
        : { id: principal.id, email: principal.email!, name: principal.name };
      await deps.bans.assertNotBanned(principal.desk, requester.email);
      if (body.ticketId) {
        const stored = await deps.tickets.getTicket(principal.desk, body.ticketId);
        const ticket = stored?.ticket;
        if (!ticket || (!onBehalf && ticket.requester.email !== principal.email)) {
          throw DomainError.validation([
            { pointer: '/ticketId', detail: 'not a ticket of yours on this desk' },
          ]);
        }
      }
      const id = await requestIdFor(deps.idempotency, principal, 'create-billing-appeal', idem, now());
      const pack = deps.packFor(principal.desk);
      const { record, created } = await repo.create(
        openAppeal({
          id,
          desk: principal.desk,
          pack,
          requester,
          filedBy: actorOf(principal),
          body,
          now: now(),
          code: deps.random.code(CODE_DIGITS),
          salt: deps.random.salt(),
        }),
      );
      return { appeal: appealView(record, principal), replayed: !created };
    },

    async decide(principal: Principal, id: string, body: DecisionBody) {
      if (!isStaff(principal)) throw DomainError.forbidden('Billing appeals are decided by support staff.');
      await visible(principal, id);
      const pack = deps.packFor(principal.desk);
      const at = now();
      // Deadlines that passed first: a decision after a missed stage belongs to the stage it is at now.
      const saved = await repo.update(principal.desk, id, (a) =>
        decideAppeal(applyAppealDeadlines(a, pack, at), pack, body, actorOf(principal), at),
      );
      return appealView(saved, principal);
    },

    applyDeadlines(desk: string, id: string) {
      const pack = deps.packFor(desk);
      return applyDueDeadlines(repo, desk, id, (a) => applyAppealDeadlines(a, pack, now()));
    },
  };
}

/** Every billing appeal use case. */
export function appealService(deps: AppealServiceDeps) {
  return { ...appealReads(deps), ...appealVerification(deps), ...appealLifecycle(deps) };
}

export type AppealService = ReturnType<typeof appealService>;
