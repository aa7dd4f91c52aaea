/**
 * The single table's keys, built in one place (see docs/data-model.md for the access patterns).
 * Every partition key starts with the desk, so no query built from a token's desk can reach
 * another desk's items.
 */
export const INDEX = {
  byDeskStatusDue: 'byDeskStatusDue',
  byRequester: 'byRequester',
  byDataClassCreated: 'byDataClassCreated',
  byWorkflowPending: 'byWorkflowPending',
} as const;

/** Sort value for tickets that have no SLA deadline yet: after every real instant. */
export const NO_DEADLINE = '9999-12-31T23:59:59.999Z';

export const keys = {
  ticket: (desk: string, ticketId: string) => ({ pk: `DESK#${desk}#TICKET#${ticketId}`, sk: 'TICKET' }),
  message: (desk: string, ticketId: string, messageId: string) => ({
    pk: `DESK#${desk}#TICKET#${ticketId}`,
    sk: `MESSAGE#${messageId}`,
  }),
  ticketPartition: (desk: string, ticketId: string) => `DESK#${desk}#TICKET#${ticketId}`,
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
  /** Retention purges and the desk's full list: items of one data class by creation time. */
  dataClass: (desk: string, dataClass: string) => `DESK#${desk}#CLASS#${dataClass}`,
};

export const blobKeys = {
  messageBody: (desk: string, ticketId: string, messageId: string) =>
    `bodies/${desk}/${ticketId}/${messageId}.txt`,
};
