import * as z from '#shared/validation/zod.ts';
import type { Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { type ConsentPolicy, PrivateDataClass } from './pack-schema.ts';

/**
 * A customer's consent to staff opening private data of one ticket (Acentus: "require explicit customer
 * consent before agents access private data for troubleshooting"; TechFlow: "Screen sharing requires
 * consent"). Staff ask with a scope and a reason; the customer grants or refuses through the API or the
 * signed links mailed to them; a grant lasts the pack's `grantHours` and the customer may revoke it.
 * Pure: the clock is passed in, and the state is derived from the instant asked about.
 */
export interface Consent {
  id: string;
  desk: string;
  ticketId: string;
  scope: PrivateDataClass[];
  reason: string;
  requestedBy: { id: string; role: string };
  requestedAt: string;
  /** The request (and its mailed links) can be answered until then. */
  answerBy: string;
  decision?: 'granted' | 'refused' | undefined;
  decidedAt?: string | undefined;
  decidedVia?: 'api' | 'link' | undefined;
  /** A grant is live until then. */
  expiresAt?: string | undefined;
  revokedAt?: string | undefined;
  /** The request mail: sent, or why not (staff see it and can ask again). */
  mail?: { status: 'sent' | 'failed'; at: string; reason?: string | undefined } | undefined;
  version: number;
}

export type ConsentState = 'requested' | 'unanswered' | 'granted' | 'expired' | 'refused' | 'revoked';

export function consentState(consent: Consent, now: Date): ConsentState {
  const at = now.toISOString();
  if (consent.decision === 'refused') return 'refused';
  if (consent.decision === 'granted') {
    if (consent.revokedAt) return 'revoked';
    return consent.expiresAt !== undefined && at < consent.expiresAt ? 'granted' : 'expired';
  }
  return at < consent.answerBy ? 'requested' : 'unanswered';
}

export const RequestConsentBody = z.strictObject({
  /** What the agent needs to open; the pack's default scope when left out. */
  scope: z.optional(z.array(PrivateDataClass).check(z.minLength(1), z.maxLength(4))),
  /** Why, in words the customer reads in the request. */
  reason: z.string().check(z.trim(), z.minLength(10), z.maxLength(500)),
});
export type RequestConsentBody = z.infer<typeof RequestConsentBody>;

export const ConsentDecisionBody = z.strictObject({ decision: z.enum(['grant', 'refuse', 'revoke']) });
export type ConsentDecision = z.infer<typeof ConsentDecisionBody>['decision'];

/** Staff who may ask, by the pack's `requestedBy`; ops watch the service and never open customers' data. */
export function mayRequestConsent(role: Principal['role'], policy: ConsentPolicy): boolean {
  if (policy.requestedBy === 'lead') return role === 'lead' || role === 'manager';
  return role === 'agent' || role === 'lead' || role === 'manager';
}

/** Staff who may open private data under a live consent (the same people who may ask for it). */
export const mayOpenPrivateData = (role: Principal['role']) =>
  role === 'agent' || role === 'lead' || role === 'manager';

export function requestConsent(input: {
  policy: ConsentPolicy;
  principal: Principal;
  ticket: { id: string; desk: string };
  body: RequestConsentBody;
  id: string;
  now: Date;
}): Consent {
  const { policy, principal, body, now } = input;
  if (!mayRequestConsent(principal.role, policy)) {
    throw DomainError.forbidden(
      policy.requestedBy === 'lead'
        ? 'Only a lead or manager may ask a customer for consent on this desk.'
        : 'Only agents, leads and managers may ask a customer for consent.',
    );
  }
  const scope = [...new Set(body.scope ?? policy.defaultScope)];
  const outside = scope.flatMap((c, i) => (policy.privateClasses.includes(c) ? [] : [{ c, i }]));
  if (outside.length) {
    throw DomainError.validation(
      outside.map(({ c, i }) => ({
        pointer: `/scope/${i}`,
        detail: `"${c}" needs no consent on this desk (private: ${policy.privateClasses.join(', ')})`,
      })),
    );
  }
  return {
    id: input.id,
    desk: input.ticket.desk,
    ticketId: input.ticket.id,
    scope,
    reason: body.reason,
    requestedBy: { id: principal.id, role: principal.role },
    requestedAt: now.toISOString(),
    answerBy: new Date(now.getTime() + policy.requestHours * 3_600_000).toISOString(),
    version: 1,
  };
}

/** The customer's answer. Granting or refusing answers an open request once; revoking ends a live grant. */
export function decideConsent(
  consent: Consent,
  decision: ConsentDecision,
  via: 'api' | 'link',
  policy: ConsentPolicy,
  now: Date,
): Consent {
  const state = consentState(consent, now);
  const at = now.toISOString();
  if (decision === 'revoke') {
    if (state !== 'granted') {
      throw DomainError.conflict(
        'consent-not-live',
        `This consent is ${state}; only a live grant can be revoked.`,
      );
    }
    return { ...consent, revokedAt: at, version: consent.version + 1 };
  }
  if (state !== 'requested') {
    throw DomainError.conflict(
      state === 'unanswered' ? 'consent-request-expired' : 'consent-already-decided',
      state === 'unanswered'
        ? `This request could be answered until ${consent.answerBy}; ask the agent to send a new one.`
        : `This request was already answered (${state}).`,
    );
  }
  return {
    ...consent,
    decision: decision === 'grant' ? 'granted' : 'refused',
    decidedAt: at,
    decidedVia: via,
    ...(decision === 'grant'
      ? { expiresAt: new Date(now.getTime() + policy.grantHours * 3_600_000).toISOString() }
      : {}),
    version: consent.version + 1,
  };
}

/** The live grant covering a class, if any (the one lasting longest). */
export function liveConsentFor(
  consents: readonly Consent[],
  dataClass: PrivateDataClass,
  now: Date,
): Consent | undefined {
  return consents
    .filter((c) => c.scope.includes(dataClass) && consentState(c, now) === 'granted')
    .sort((a, b) => (b.expiresAt ?? '').localeCompare(a.expiresAt ?? ''))[0];
}

/** A consent as the API shows it: its state now, never the mail's internals. */
export function consentView(consent: Consent, now: Date) {
  const { version: _version, ...rest } = consent;
  return { ...rest, state: consentState(consent, now) };
}
export type ConsentView = ReturnType<typeof consentView>;

/** The private class a filed attachment belongs to (both diagnostic classes are logs the customer gave). */
export function privateClassOfAttachment(dataClass: string): PrivateDataClass {
  if (dataClass === 'diagnostic-logs' || dataClass === 'diagnostic-logs-compliance') return 'diagnostic-logs';
  if (dataClass === 'call-recordings') return 'call-recordings';
  return 'attachments';
}
