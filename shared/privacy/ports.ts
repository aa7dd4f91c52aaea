import type { Consent } from './consent.ts';
import type { PrivateDataClass } from './pack-schema.ts';

/** One opening of private data by staff under a live consent: who, what class, when, under which consent. */
export interface PrivateAccessRecord {
  id: string;
  desk: string;
  ticketId: string;
  at: string;
  actor: { id: string; role: string };
  dataClass: PrivateDataClass;
  /** What was opened, in words: "attachments of 2 messages", "screen-sharing session". */
  what: string;
  consentId: string;
}

/** Where consents and access records live (shared/store/privacy-store.ts is the DynamoDB adapter). */
export interface PrivacyStore {
  putConsent(consent: Consent): Promise<void>;
  /** Writes the new version only if the stored one is `expectedVersion`; false when it lost a race. */
  replaceConsent(consent: Consent, expectedVersion: number): Promise<boolean>;
  getConsent(desk: string, ticketId: string, consentId: string): Promise<Consent | undefined>;
  listConsents(desk: string, ticketId: string): Promise<Consent[]>;
  recordAccess(record: PrivateAccessRecord): Promise<void>;
  listAccess(desk: string, ticketId: string): Promise<PrivateAccessRecord[]>;
}

/** The ticket as consent needs it: who to ask, and what the request is about. */
export interface ConsentTicket {
  id: string;
  desk: string;
  subject: string;
  status: string;
  requester: { email: string; name?: string | undefined };
}

/** Mails a consent request to the ticket's requester with its grant and refuse links. */
export interface ConsentMailer {
  sendRequest(input: {
    ticket: ConsentTicket;
    consent: Consent;
    grantUrl: string;
    refuseUrl: string;
    now: Date;
  }): Promise<void>;
}
