import * as z from '#shared/validation/zod.ts';
import { isStaff, type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { DomainError, fieldErrorsOf } from '../errors/domain-error.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { PolicyPack } from '../policy/schema.ts';
import { Slug } from '../tickets/model.ts';
import { SlaInputError, SlaInputEvent } from './engine.ts';
import { PreviewTicket, previewSla, type SlaPreview } from './preview.ts';

/** `POST /sla/preview`: a desk's pack or an inline pack, a hypothetical ticket, optional events. */
export const PreviewRequest = z
  .strictObject({
    desk: z.optional(Slug),
    pack: z.optional(z.unknown()),
    ticket: PreviewTicket,
    events: z.optional(z.array(SlaInputEvent).check(z.maxLength(1000))),
    now: z.optional(z.iso.datetime({ offset: true })),
  })
  .check(
    z.refine((r) => (r.desk === undefined) !== (r.pack === undefined), {
      message: 'Send exactly one of `desk` or `pack`.',
      path: ['desk'],
    }),
  );
export type PreviewRequest = z.infer<typeof PreviewRequest>;

/**
 * Runs a what-if through the SLA engine with no side effects. Staff preview their own desk's
 * pack; a draft (inline) pack needs a lead, manager or ops, since it is how policy changes are tried.
 */
export function previewForCaller(principal: Principal, request: PreviewRequest): SlaPreview {
  if (!isStaff(principal)) throw DomainError.forbidden('Only support staff can preview SLA timing.');
  let pack: PolicyPack;
  if (request.desk !== undefined) {
    if (request.desk !== principal.desk)
      throw DomainError.forbidden('You can preview only your own desk’s policy.');
    const found = findPolicyPack(request.desk);
    if (!found) throw DomainError.validation([{ pointer: '/desk', detail: 'this desk has no policy pack' }]);
    pack = found;
  } else {
    if (!SUPERVISOR_ROLES.has(principal.role))
      throw DomainError.forbidden('Previewing a draft pack needs a lead, manager or ops.');
    const parsed = PolicyPack.safeParse(request.pack);
    if (!parsed.success)
      throw DomainError.validation(fieldErrorsOf(parsed.error, '/pack'), 'The inline pack is not valid.');
    pack = parsed.data;
  }
  try {
    return previewSla({
      pack,
      ticket: request.ticket,
      ...(request.events ? { events: request.events } : {}),
      ...(request.now ? { now: request.now } : {}),
    });
  } catch (error) {
    if (error instanceof SlaInputError)
      throw DomainError.validation([{ pointer: '/events', detail: error.message }]);
    throw error;
  }
}
