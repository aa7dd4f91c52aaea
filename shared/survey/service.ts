import type { KpiRecorder } from '../kpis/recorder.ts';
import { findPolicyPack } from '../policy/packs.ts';
import type { KeyringSource } from '../secrets/keyring.ts';
import type { BanCheck } from '../tickets/bans.ts';
import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { verifySurveySignature } from './link.ts';
import type { SurveyAnswer } from './page.ts';
import type { SurveyStore } from './ports.ts';

export interface SurveyServiceDeps {
  /** The survey keyring (current signs, previous still verifies during a rotation). */
  keys: KeyringSource;
  /** A banned requester's answer is refused (and counted), as any other intake of theirs. */
  bans: BanCheck;
  surveys: SurveyStore;
  /** Keeps the desk's CSAT/NPS roll-ups in step with the answers. */
  kpis: KpiRecorder;
  tickets: TicketReader;
  clock: Clock;
}

/** Where a survey link stands; the handlers map each to an HTML page or a JSON answer. */
export type SurveyLinkState =
  | { kind: 'invalid-link' }
  | { kind: 'not-found' }
  | { kind: 'not-resolved' }
  | { kind: 'already'; submittedAt: string }
  | { kind: 'open'; deskName: string; requesterEmail: string };

export type SurveySubmission =
  | Exclude<SurveyLinkState, { kind: 'open' }>
  | { kind: 'banned' }
  | { kind: 'recorded'; submittedAt: string };

/**
 * The closure survey: the signed link is the credential (no login), checked before anything is
 * read; one answer per ticket, enforced by a conditional write.
 */
export function surveyService(deps: SurveyServiceDeps) {
  async function check(desk: string, ticketId: string, sig: string | undefined): Promise<SurveyLinkState> {
    // An expired link is as good as none: the page says the link is not valid.
    if (
      !sig ||
      verifySurveySignature(await deps.keys.keyring(), desk, ticketId, sig, deps.clock.now()) !== 'valid'
    )
      return { kind: 'invalid-link' };
    const pack = findPolicyPack(desk);
    const stored = pack ? await deps.tickets.getTicket(desk, ticketId) : undefined;
    if (!pack || !stored) return { kind: 'not-found' };
    const answered = await deps.surveys.get(desk, ticketId);
    if (answered) return { kind: 'already', submittedAt: answered.submittedAt };
    // The link goes out when the ticket is solved; a reopened ticket is asked again once resolved.
    if (stored.ticket.status !== 'solved' && stored.ticket.status !== 'closed')
      return { kind: 'not-resolved' };
    return { kind: 'open', deskName: pack.name, requesterEmail: stored.ticket.requester.email };
  }

  return {
    check,
    deskName: (desk: string) => findPolicyPack(desk)?.name ?? desk,

    async submit(
      desk: string,
      ticketId: string,
      sig: string | undefined,
      answer: SurveyAnswer,
    ): Promise<SurveySubmission> {
      const state = await check(desk, ticketId, sig);
      if (state.kind !== 'open') return state;
      const ban = await deps.bans.findBan(desk, [state.requesterEmail]);
      if (ban) {
        await deps.bans.recordRefusal(ban);
        return { kind: 'banned' };
      }
      const submittedAt = deps.clock.now().toISOString();
      const result = await deps.surveys.putOnce({
        desk,
        ticketId,
        ...(answer.csat !== undefined ? { csat: answer.csat } : {}),
        ...(answer.nps !== undefined ? { nps: answer.nps } : {}),
        ...(answer.comment ? { comment: answer.comment } : {}),
        submittedAt,
      });
      const stored = result.recorded ? { ...answer, ticketId, submittedAt } : result.existing;
      // Also on a repeat: it finishes a roll-up an earlier attempt may have left undone.
      await deps.kpis.surveyAnswered(desk, stored);
      return result.recorded
        ? { kind: 'recorded', submittedAt }
        : { kind: 'already', submittedAt: result.existing.submittedAt };
    },
  };
}

export type SurveyService = ReturnType<typeof surveyService>;
