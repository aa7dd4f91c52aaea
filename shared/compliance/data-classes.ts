/**
 * Data classes: what a pack's retention rules (`retention.classes[].dataClass`) refer to, how the
 * store finds items of that class (`byDataClassCreated`, partition `DESK#<desk>#CLASS#<index class>`)
 * and what one purge of an item removes. The registry is product code; which classes a desk keeps
 * and for how long is pack data.
 */

/** What purging one indexed item removes. */
export type PurgeUnit =
  /** The ticket item, every item in its partition (messages, attachments) and their S3 objects. */
  | 'ticket'
  /** One message item and its body object. */
  | 'message'
  /** One attachment item and its object. */
  | 'attachment'
  /** A DSAR export record and its bundle object. */
  | 'export'
  /** One item without objects (e.g. an idempotency key). */
  | 'item';

export interface DataClassDefinition {
  /** The value after `CLASS#` in the index partition; null when tierdesk stores nothing of the class. */
  indexClass: string | null;
  unit: PurgeUnit | null;
  description: string;
  /** Retention when the desk's pack does not name the class (product rule); absent = kept. */
  defaultDays?: number;
  /** Records the product keeps to show it complied (DSARs, appeals, holds, audit); never purged. */
  accountability?: true;
}

export const DATA_CLASSES = {
  'support-tickets': {
    indexClass: 'ticket',
    unit: 'ticket',
    description: 'tickets with their messages, attachments and stored bodies',
  },
  'chat-transcripts': {
    indexClass: 'chat-transcripts',
    unit: 'message',
    description: 'messages received or sent on the chat channel',
  },
  'call-recordings': {
    indexClass: 'call-recordings',
    unit: 'attachment',
    description: 'call recordings attached to tickets',
  },
  'diagnostic-logs': {
    indexClass: 'diagnostic-logs',
    unit: 'attachment',
    description: 'diagnostic log extracts attached to tickets',
  },
  'diagnostic-logs-compliance': {
    indexClass: 'diagnostic-logs-compliance',
    unit: 'attachment',
    description: 'diagnostic logs kept longer for compliance customers who asked for it',
  },
  attachments: {
    indexClass: 'attachments',
    unit: 'attachment',
    description: 'other files attached to tickets (they go with their ticket unless a pack sets a period)',
  },
  'knowledge-base': {
    indexClass: null,
    unit: null,
    description: 'knowledge-base articles (not stored by tierdesk)',
  },
  'dsar-exports': {
    indexClass: 'dsar-exports',
    unit: 'export',
    description: 'DSAR export bundles (personal data prepared for download)',
    defaultDays: 30,
  },
  'idempotency-keys': {
    indexClass: 'idempotency-keys',
    unit: 'item',
    description: 'Idempotency-Key records (a retry after a month is a new request)',
    defaultDays: 30,
  },
  'dsar-requests': {
    indexClass: 'dsar-requests',
    unit: null,
    description: 'data subject requests and their history',
    accountability: true,
  },
  'billing-appeals': {
    indexClass: 'billing-appeals',
    unit: null,
    description: 'billing appeals, their stages and decisions',
    accountability: true,
  },
  'legal-holds': {
    indexClass: 'legal-holds',
    unit: null,
    description: 'legal holds and their history',
    accountability: true,
  },
  'purge-runs': {
    indexClass: 'purge-runs',
    unit: null,
    description: 'retention purge runs (counts and cut-offs)',
    accountability: true,
  },
  'compliance-audit': {
    indexClass: 'compliance-audit',
    unit: null,
    description: 'the desk-wide compliance audit log',
    accountability: true,
  },
} as const satisfies Record<string, DataClassDefinition>;

export type DataClass = keyof typeof DATA_CLASSES;

export function dataClassDefinition(dataClass: string): DataClassDefinition | undefined {
  return (DATA_CLASSES as Record<string, DataClassDefinition>)[dataClass];
}

/** Index classes of the items other modules write (kept in one place so the purge can find them). */
export const INDEX_CLASS = {
  ticket: 'ticket',
  chatTranscript: 'chat-transcripts',
  idempotencyKey: 'idempotency-keys',
  dsarExport: 'dsar-exports',
  dsar: 'dsar-requests',
  billingAppeal: 'billing-appeals',
  legalHold: 'legal-holds',
  purgeRun: 'purge-runs',
  audit: 'compliance-audit',
} as const;

/** Attachment data classes a ticket attachment may be filed under. */
export const ATTACHMENT_CLASSES = [
  'attachments',
  'diagnostic-logs',
  'diagnostic-logs-compliance',
  'call-recordings',
] as const;
export type AttachmentClass = (typeof ATTACHMENT_CLASSES)[number];
