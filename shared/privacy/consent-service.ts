import * as z from '#shared/validation/zod.ts';
import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import { newId } from '../runtime/ids.ts';
import type { KeyringSource } from '../secrets/keyring.ts';
import { assertCanSeeTicket } from '../tickets/access.ts';
import type { Ticket } from '../tickets/model.ts';
import type { Clock } from '../time/clock.ts';
import {
  type Consent,
  type ConsentDecision,
  type ConsentView,
  consentState,
  consentView,
  decideConsent,
  liveConsentFor,
  mayOpenPrivateData,
  type RequestConsentBody,
  requestConsent,
} from './consent.ts';
import { consentPath, verifyConsentSignature } from './consent-link.ts';
import { type ConsentPolicy, PrivateDataClass } from './pack-schema.ts';
import type { ConsentMailer, PrivacyStore, PrivateAccessRecord } from './ports.ts';

export interface ConsentServiceDeps {
  store: PrivacyStore;
  tickets: { getTicket(desk: string, id: string): Promise<{ ticket: Ticket } | undefined> };
  clock: Clock;
  policyFor(desk: string): ConsentPolicy | undefined;
  deskName(desk: string): string;
  mailer: ConsentMailer;
  /** Signs the grant and refuse links (the survey keyring; the MAC names its purpose). */
  linkKeys: KeyringSource;
  /** Where customers open links from mail, e.g. https://support.example.com. */
  publicBaseUrl(): string;
}

export const RecordAccessBody = z.strictObject({
  dataClass: PrivateDataClass,
  /** What is being opened, e.g. "screen-sharing session to check the SSO settings". */
  what: z.string().check(z.trim(), z.minLength(3), z.maxLength(200)),
});

/** What the staff ticket view withheld, or the consent it was opened under. */
export const PrivateDataMarker = z.strictObject({
  withheld: z.optional(
    z.array(
      z.strictObject({
        messageId: z.string(),
        dataClass: PrivateDataClass,
        count: z.number().check(z.int()),
      }),
    ),
  ),
  detail: z.optional(z.string()),
  openedUnder: z.optional(z.strictObject({ consentId: z.string(), until: z.string() })),
});
export type PrivateDataMarker = z.infer<typeof PrivateDataMarker>;

/** A consent as the API answers it (shared/privacy/consent.ts `consentView`). */
export const ConsentViewSchema = z.strictObject({
  id: z.string(),
  desk: z.string(),
  ticketId: z.string(),
  scope: z.array(PrivateDataClass),
  reason: z.string(),
  requestedBy: z.strictObject({ id: z.string(), role: z.string() }),
  requestedAt: z.string(),
  answerBy: z.string(),
  decision: z.optional(z.enum(['granted', 'refused'])),
  decidedAt: z.optional(z.string()),
  decidedVia: z.optional(z.enum(['api', 'link'])),
  expiresAt: z.optional(z.string()),
  revokedAt: z.optional(z.string()),
  mail: z.optional(
    z.strictObject({ status: z.enum(['sent', 'failed']), at: z.string(), reason: z.optional(z.string()) }),
  ),
  state: z.enum(['requested', 'unanswered', 'granted', 'expired', 'refused', 'revoked']),
});

export const PrivateAccessRecordSchema = z.strictObject({
  id: z.string(),
  desk: z.string(),
  ticketId: z.string(),
  at: z.string(),
  actor: z.strictObject({ id: z.string(), role: z.string() }),
  dataClass: PrivateDataClass,
  what: z.string(),
  consentId: z.string(),
});

export type ConsentLinkState =
  | { kind: 'invalid-link' }
  | { kind: 'not-found' }
  | { kind: 'open' | 'decided' | 'expired'; consent: ConsentView; subject: string; deskName: string };

/**
 * Consent before staff open a customer's private data, and the record of every opening. The desk's pack
 * names the private classes (`privacy.consent`); without it nothing is withheld and nothing can be asked.
 */
export function consentService(deps: ConsentServiceDeps) {
  const { store, clock } = deps;

  async function ticketFor(principal: Principal, ticketId: string): Promise<Ticket> {
    const stored = await deps.tickets.getTicket(principal.desk, ticketId);
    return assertCanSeeTicket(principal, stored?.ticket, ticketId);
  }

  function policyOf(desk: string): ConsentPolicy {
    const policy = deps.policyFor(desk);
    if (!policy) {
      throw DomainError.conflict(
        'consent-not-used',
        'This desk’s policy marks no data private: staff need no consent here.',
      );
    }
    return policy;
  }

  async function linksFor(consent: Consent) {
    const keys = await deps.linkKeys.keyring();
    const base = deps.publicBaseUrl().replace(/\/$/, '');
    const ref = { desk: consent.desk, ticketId: consent.ticketId, consentId: consent.id };
    const until = new Date(consent.answerBy);
    return {
      grantUrl: base + consentPath(keys, ref, until, 'grant'),
      refuseUrl: base + consentPath(keys, ref, until, 'refuse'),
    };
  }

  /** Applies a decision, re-reading once if another answer raced it. */
  async function decide(consent: Consent, decision: ConsentDecision, via: 'api' | 'link'): Promise<Consent> {
    const policy = policyOf(consent.desk);
    for (let attempt = 1; ; attempt++) {
      const next = decideConsent(consent, decision, via, policy, clock.now());
      if (await store.replaceConsent(next, consent.version)) return next;
      const fresh = await store.getConsent(consent.desk, consent.ticketId, consent.id);
      if (!fresh || attempt >= 3)
        throw DomainError.conflict('consent-changed', 'The consent changed; retry.');
      consent = fresh;
    }
  }

  async function recordAccess(
    principal: Principal,
    ticket: Ticket,
    dataClass: PrivateDataClass,
    what: string,
    consent: Consent,
  ): Promise<PrivateAccessRecord> {
    const now = clock.now();
    const record: PrivateAccessRecord = {
      id: newId(now),
      desk: ticket.desk,
      ticketId: ticket.id,
      at: now.toISOString(),
      actor: { id: principal.id, role: principal.role },
      dataClass,
      what,
      consentId: consent.id,
    };
    await store.recordAccess(record);
    return record;
  }

  return {
    /** An agent asks the ticket's requester; the request is mailed with its grant and refuse links. */
    async request(principal: Principal, ticketId: string, body: RequestConsentBody): Promise<ConsentView> {
      const ticket = await ticketFor(principal, ticketId);
      if (!isStaff(principal)) throw DomainError.forbidden('Only support staff ask for consent.');
      if (ticket.status === 'closed') throw DomainError.conflict('ticket-closed', 'This ticket is closed.');
      const policy = policyOf(ticket.desk);
      const now = clock.now();
      const consent = requestConsent({ policy, principal, ticket, body, id: newId(now), now });
      await store.putConsent(consent);
      const links = await linksFor(consent);
      let mailed: Consent;
      try {
        await deps.mailer.sendRequest({ ticket, consent, ...links, now });
        mailed = { ...consent, mail: { status: 'sent', at: clock.now().toISOString() }, version: 2 };
      } catch (error) {
        // The request stands (the customer can answer through the API); staff see why no mail went.
        const reason = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300);
        mailed = {
          ...consent,
          mail: { status: 'failed', at: clock.now().toISOString(), reason },
          version: 2,
        };
      }
      await store.replaceConsent(mailed, consent.version);
      return consentView(mailed, clock.now());
    },

    /** The ticket's consents, newest first: staff of the desk and the requester see them. */
    async list(principal: Principal, ticketId: string): Promise<ConsentView[]> {
      const ticket = await ticketFor(principal, ticketId);
      const now = clock.now();
      return (await store.listConsents(ticket.desk, ticket.id))
        .sort((a, b) => b.id.localeCompare(a.id))
        .map((c) => consentView(c, now));
    },

    /** The requester's answer through the API: grant, refuse, or revoke a live grant. */
    async decideAsCustomer(
      principal: Principal,
      ticketId: string,
      consentId: string,
      decision: ConsentDecision,
    ): Promise<ConsentView> {
      const ticket = await ticketFor(principal, ticketId);
      if (principal.role !== 'customer') {
        throw DomainError.forbidden('Only the customer who opened the ticket answers a consent request.');
      }
      const consent = await store.getConsent(ticket.desk, ticket.id, consentId);
      if (!consent) throw DomainError.notFound(`Consent ${consentId}`);
      return consentView(await decide(consent, decision, 'api'), clock.now());
    },

    /** What the signed link's page shows; decides nothing. */
    async linkState(desk: string, ticketId: string, consentId: string, sig: string | undefined) {
      const check = verifyConsentSignature(
        await deps.linkKeys.keyring(),
        { desk, ticketId, consentId },
        sig,
        clock.now(),
      );
      if (check === 'invalid') return { kind: 'invalid-link' } as ConsentLinkState;
      const consent = await store.getConsent(desk, ticketId, consentId);
      const stored = consent ? await deps.tickets.getTicket(desk, ticketId) : undefined;
      if (!consent || !stored) return { kind: 'not-found' } as ConsentLinkState;
      const state = consentState(consent, clock.now());
      const kind = state === 'requested' ? 'open' : state === 'unanswered' ? 'expired' : 'decided';
      return {
        kind,
        consent: consentView(consent, clock.now()),
        subject: stored.ticket.subject,
        deskName: deps.deskName(desk),
      } as ConsentLinkState;
    },

    /** The answer from the signed link's form. */
    async decideByLink(
      desk: string,
      ticketId: string,
      consentId: string,
      sig: string | undefined,
      decision: 'grant' | 'refuse',
    ): Promise<ConsentLinkState> {
      const state = await this.linkState(desk, ticketId, consentId, sig);
      if (state.kind !== 'open') return state;
      const consent = await store.getConsent(desk, ticketId, consentId);
      const decided = await decide(consent!, decision, 'link');
      return { ...state, kind: 'decided', consent: consentView(decided, clock.now()) };
    },

    /**
     * The staff ticket view's filter: files that came with messages are private where the pack says
     * `attachments` is; without a live consent they are withheld (with a marker saying where and how many),
     * under one they are shown and the opening is recorded.
     */
    async staffTicketView<
      V extends {
        id: string;
        desk: string;
        messages: Array<{ id: string; attachments?: unknown[] | undefined }>;
      },
    >(principal: Principal, view: V): Promise<V & { privateData?: PrivateDataMarker }> {
      const policy = deps.policyFor(view.desk);
      if (!isStaff(principal) || !policy?.privateClasses.includes('attachments')) return view;
      const withFiles = view.messages.filter((m) => m.attachments?.length);
      if (withFiles.length === 0) return view;
      const consent = mayOpenPrivateData(principal.role)
        ? liveConsentFor(await store.listConsents(view.desk, view.id), 'attachments', clock.now())
        : undefined;
      if (consent) {
        const ticket = await ticketFor(principal, view.id);
        await recordAccess(
          principal,
          ticket,
          'attachments',
          `attachments of ${withFiles.length} message(s)`,
          consent,
        );
        return {
          ...view,
          privateData: { openedUnder: { consentId: consent.id, until: consent.expiresAt! } },
        };
      }
      return {
        ...view,
        messages: view.messages.map((m) => {
          if (!m.attachments?.length) return m;
          const { attachments: _files, ...rest } = m;
          return rest as V['messages'][number];
        }),
        privateData: {
          withheld: withFiles.map((m) => ({
            messageId: m.id,
            dataClass: 'attachments' as const,
            count: m.attachments!.length,
          })),
          detail:
            'Attachments are private on this desk: they are shown under the customer’s live consent (POST /tickets/{id}/consents).',
        },
      };
    },

    /** Staff open private data tierdesk does not hold (a screen-sharing session): allowed and recorded only under a live consent. */
    async recordOpening(
      principal: Principal,
      ticketId: string,
      body: z.infer<typeof RecordAccessBody>,
    ): Promise<PrivateAccessRecord> {
      const ticket = await ticketFor(principal, ticketId);
      if (!mayOpenPrivateData(principal.role)) {
        throw DomainError.forbidden('Only agents, leads and managers open a customer’s private data.');
      }
      const policy = policyOf(ticket.desk);
      if (!policy.privateClasses.includes(body.dataClass)) {
        throw DomainError.validation([
          { pointer: '/dataClass', detail: `not private on this desk (${policy.privateClasses.join(', ')})` },
        ]);
      }
      const consent = liveConsentFor(
        await store.listConsents(ticket.desk, ticket.id),
        body.dataClass,
        clock.now(),
      );
      if (!consent) {
        throw DomainError.forbidden(
          `${body.dataClass} needs the customer’s live consent; ask for it with POST /tickets/${ticket.id}/consents.`,
        );
      }
      return recordAccess(principal, ticket, body.dataClass, body.what, consent);
    },

    /** Every opening of the ticket's private data, oldest first (leads and managers). */
    async accessLog(principal: Principal, ticketId: string): Promise<PrivateAccessRecord[]> {
      const ticket = await ticketFor(principal, ticketId);
      if (principal.role !== 'lead' && principal.role !== 'manager') {
        throw DomainError.forbidden('The private-data access log is for leads and managers.');
      }
      return store.listAccess(ticket.desk, ticket.id);
    },
  };
}

export type ConsentService = ReturnType<typeof consentService>;
