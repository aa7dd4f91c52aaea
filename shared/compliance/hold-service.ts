/** Legal hold use cases: set, release, list (lead+ to change, staff to read). */
import * as z from '#shared/validation/zod.ts';
import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { Email, Ulid } from '../tickets/model.ts';
import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import {
  assertCanManageHolds,
  type HoldSubject,
  holdIdFor,
  type LegalHold,
  releaseHold,
  setHold,
} from './legal-hold.ts';
import type { ComplianceStore, DeadlineScheduler } from './ports.ts';
import { recordRepository } from './record-repository.ts';
import { actorOf } from './records.ts';

export const SetHoldBody = z
  .strictObject({
    ticketId: z.optional(Ulid),
    requesterEmail: z.optional(Email),
    reason: z.string().check(z.trim(), z.minLength(10), z.maxLength(1000)),
    reference: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  })
  .check(
    z.refine((b) => (b.ticketId === undefined) !== (b.requesterEmail === undefined), {
      message: 'Send exactly one of ticketId and requesterEmail.',
    }),
  );
export const ReleaseHoldBody = z.strictObject({
  reason: z.string().check(z.trim(), z.minLength(10), z.maxLength(1000)),
});
export const ListHoldsQuery = z.strictObject({
  status: z.optional(z.enum(['active', 'released'])),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50),
  cursor: z.optional(z.string().check(z.maxLength(2000))),
});

export function holdIndexer() {
  return {
    kind: 'legal-hold' as const,
    schedulable: false,
    index: (h: LegalHold) => ({ createdAt: h.setAt, nextDeadlineAt: null, requesterEmail: null }),
  };
}

/** Listing holds: the table alone (setting one reads the ticket it holds). */
export function holdReads(deps: { records: ComplianceStore }) {
  return {
    async list(principal: Principal, query: z.infer<typeof ListHoldsQuery>) {
      if (!isStaff(principal)) throw DomainError.forbidden('Legal holds are for support staff.');
      const page = await deps.records.list<LegalHold>(
        'legal-hold',
        principal.desk,
        query.limit,
        query.cursor,
      );
      return {
        items: page.items.filter((h) => !query.status || h.status === query.status),
        nextCursor: page.nextCursor,
      };
    },
  };
}

export function holdService(deps: {
  records: ComplianceStore;
  tickets: TicketReader;
  scheduler: DeadlineScheduler;
  clock: Clock;
}) {
  const repo = recordRepository<LegalHold>(deps, holdIndexer());
  const now = () => deps.clock.now();

  return {
    ...holdReads(deps),

    async set(principal: Principal, body: z.infer<typeof SetHoldBody>) {
      const by = actorOf(principal);
      assertCanManageHolds(by);
      let subject: HoldSubject;
      if (body.ticketId) {
        const stored = await deps.tickets.getTicket(principal.desk, body.ticketId);
        if (!stored)
          throw DomainError.validation([{ pointer: '/ticketId', detail: 'no such ticket on this desk' }]);
        subject = { kind: 'ticket', ticketId: body.ticketId };
      } else {
        subject = { kind: 'requester', email: body.requesterEmail! };
      }
      const id = holdIdFor(principal.desk, subject);
      const input = {
        desk: principal.desk,
        subject,
        reason: body.reason,
        reference: body.reference,
        by,
        now: now(),
      };
      const existing = await repo.get(principal.desk, id);
      if (!existing) {
        const { record, created } = await repo.create(setHold({ ...input, existing: undefined }));
        if (created) return { hold: record, created: true };
      }
      return {
        hold: await repo.update(principal.desk, id, (h) => setHold({ ...input, existing: h })),
        created: false,
      };
    },

    async release(principal: Principal, id: string, body: z.infer<typeof ReleaseHoldBody>) {
      assertCanManageHolds(actorOf(principal));
      return repo.update(
        principal.desk,
        id,
        (h) => releaseHold(h, body.reason, actorOf(principal), now()),
        `Legal hold ${id}`,
      );
    },

    /** For the purge: is this ticket or this requester held? */
    async isHeld(desk: string, ticketId: string | undefined, requesterEmail: string | undefined) {
      const ids = [
        ...(ticketId ? [holdIdFor(desk, { kind: 'ticket', ticketId })] : []),
        ...(requesterEmail ? [holdIdFor(desk, { kind: 'requester', email: requesterEmail })] : []),
      ];
      for (const id of ids) if ((await repo.get(desk, id))?.status === 'active') return true;
      return false;
    },
  };
}

export type HoldService = ReturnType<typeof holdService>;
