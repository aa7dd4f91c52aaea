/**
 * The single table's keys, built in one place (see docs/data-model.md for the access patterns).
 * Every partition key starts with the desk, so no query built from a token's desk can reach
 * another desk's items. The four indexes project only keys and a few attributes
 * (`INDEX_PROJECTION`, shared/store/table-definition.ts); readers fetch the items by key.
 */
export const INDEX = {
  byDeskStatusDue: 'byDeskStatusDue-v2',
  byRequester: 'byRequester-v2',
  byDataClassCreated: 'byDataClassCreated-v2',
  byWorkflowPending: 'byWorkflowPending-v2',
} as const;

/**
 * The indexes of the previous release, same keys, projecting ALL: a projection cannot change in place, so
 * the narrow ones above carry new names and these stay until an upgrade removes them (docs/deploy.md).
 */
export const LEGACY_INDEX: Record<keyof typeof INDEX, string> = {
  byDeskStatusDue: 'byDeskStatusDue',
  byRequester: 'byRequester',
  byDataClassCreated: 'byDataClassCreated',
  byWorkflowPending: 'byWorkflowPending',
};

/** The attributes the table and its four indexes key on (index n keys on `gsi<n>pk` and `gsi<n>sk`). */
export const KEY_ATTRIBUTES: readonly string[] = [
  'pk',
  'sk',
  ...[1, 2, 3, 4].flatMap((n) => [`gsi${n}pk`, `gsi${n}sk`]),
];

/** The store's own attributes on an item: its keys, and `kind` (which item type a row is). */
const STORE_ATTRIBUTES: ReadonlySet<string> = new Set([...KEY_ATTRIBUTES, 'kind']);

/** An item's own fields: the item without the store's key, index and kind attributes. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !STORE_ATTRIBUTES.has(name)));
}

/** Sort key prefix of a ticket's activity items (`keys.activity`). */
export const ACTIVITY_SK_PREFIX = 'TICKET#ACTIVITY#';

/** Sort value for tickets that have no SLA deadline yet: after every real instant. */
export const NO_DEADLINE = '9999-12-31T23:59:59.999Z';

/**
 * An item's place on byDataClassCreated: its desk's data class (what the retention purge and the
 * desk-wide lists read) and its sort value, which starts with the instant it was created.
 */
export const byClass = (desk: string, dataClass: string, sortValue: string) => ({
  gsi3pk: `DESK#${desk}#CLASS#${dataClass}`,
  gsi3sk: sortValue,
});

export const keys = {
  ticket: (desk: string, ticketId: string) => ({ pk: `DESK#${desk}#TICKET#${ticketId}`, sk: 'TICKET' }),
  message: (desk: string, ticketId: string, messageId: string) => ({
    pk: `DESK#${desk}#TICKET#${ticketId}`,
    sk: `MESSAGE#${messageId}`,
  }),
  ticketPartition: (desk: string, ticketId: string) => `DESK#${desk}#TICKET#${ticketId}`,
  /**
   * One entry of a ticket's activity, numbered from 0. Sorts right after the ticket item (`TICKET`), so
   * `begins_with(sk, 'TICKET')` reads the ticket and its whole activity in one Query.
   */
  activity: (desk: string, ticketId: string, seq: number) => ({
    pk: `DESK#${desk}#TICKET#${ticketId}`,
    sk: `${ACTIVITY_SK_PREFIX}${String(seq).padStart(6, '0')}`,
  }),
  idempotency: (desk: string, principalId: string, scope: string, key: string) => ({
    pk: `DESK#${desk}#IDEMPOTENCY#${principalId}#${scope}#${key}`,
    sk: 'IDEMPOTENCY',
  }),
  /** Ops queue and reconciler: a desk's tickets in one status, soonest deadline first. */
  deskStatus: (desk: string, status: string) => `DESK#${desk}#STATUS#${status}`,
  /** DSAR and "my tickets": a requester's tickets, by email (the identity email tickets share). */
  requester: (desk: string, email: string) => `DESK#${desk}#REQUESTER#${email}`,
  /** Tickets whose SLA workflow has not yet seen their latest change (sparse; the reconciler reads it). */
  workflowDue: (desk: string) => `DESK#${desk}#WORKFLOW_DUE`,
  /** Tickets with outbound mail pending and no workflow run due (sparse, byWorkflowPending; the mail sweep reads it). */
  mailPending: (desk: string) => `DESK#${desk}#MAIL_PENDING`,
  /** Retention purges and the desk's full list: items of one data class by creation time. */
  dataClass: (desk: string, dataClass: string) => byClass(desk, dataClass, '').gsi3pk,
  /** The CSAT/NPS answer of a ticket: in the ticket's partition, so it goes wherever the ticket goes. */
  survey: (desk: string, ticketId: string) => ({ pk: `DESK#${desk}#TICKET#${ticketId}`, sk: 'SURVEY' }),
  incident: (desk: string, incidentId: string) => ({
    pk: `DESK#${desk}#INCIDENT#${incidentId}`,
    sk: 'INCIDENT',
  }),
  /** A month's SLA credits: the report (sk REPORT) and one item per credited account (sk ACCOUNT#<email>). */
  slaCredits: (desk: string, month: string) => `DESK#${desk}#SLA_CREDITS#${month}`,
  /** Incidents with a post-incident review threshold ahead (sparse, on byDeskStatusDue; the review sweep reads it). */
  incidentReviewDue: (desk: string) => `DESK#${desk}#INCIDENT_REVIEW_DUE`,
  /** One inbound email per desk, keyed by Message-ID + content hash: its outcome (ticket, reply, ignored, rejected). */
  inboundMail: (desk: string, dedupeKey: string) => ({
    pk: `DESK#${desk}#INBOUND#${dedupeKey}`,
    sk: 'INBOUND',
  }),
  /** Threading: an email Message-ID (hashed) → the ticket it belongs to. */
  mailMessageId: (desk: string, idHash: string) => ({ pk: `DESK#${desk}#MAILID#${idHash}`, sk: 'MAILID' }),
  /** An address that bounced permanently or complained: the desk stops mailing it. */
  suppressedAddress: (desk: string, email: string) => ({
    pk: `DESK#${desk}#SUPPRESSED#${email}`,
    sk: 'SUPPRESSED',
  }),
  /** Mail whose sender was not authenticated, held for staff (one partition per desk; id = dedupe key). */
  suspendedMail: (desk: string, id: string) => ({ pk: `DESK#${desk}#SUSPENDED_MAIL`, sk: `MAIL#${id}` }),
  suspendedMailPartition: (desk: string) => `DESK#${desk}#SUSPENDED_MAIL`,
  /** Tickets that may have outbound mail left to send (the outbound sweep reads this partition). */
  outboxPartition: (desk: string) => `DESK#${desk}#OUTBOX`,
};
