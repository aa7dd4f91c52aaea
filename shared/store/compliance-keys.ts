import type { ComplianceRecordKind } from '../compliance/ports.ts';

/**
 * Keys of the compliance items (DSARs, billing appeals, legal holds, purge runs, their audit entries,
 * export records, ticket attachments). Like every key in the table they start with the desk.
 * See docs/data-model.md.
 */

export const RECORD_PARTITION: Record<ComplianceRecordKind, string> = {
  dsar: 'DSAR',
  'billing-appeal': 'APPEAL',
  'legal-hold': 'HOLD',
  'purge-run': 'PURGE_RUN',
};

export const complianceKeys = {
  partition: (desk: string, kind: ComplianceRecordKind, id: string) =>
    `DESK#${desk}#${RECORD_PARTITION[kind]}#${id}`,
  record: (desk: string, kind: ComplianceRecordKind, id: string) => ({
    pk: complianceKeys.partition(desk, kind, id),
    sk: 'RECORD',
  }),
  /** An audit entry lives in its record's partition (the record's trail) and in the desk-wide log (index). */
  audit: (desk: string, kind: ComplianceRecordKind, id: string, at: string, index: number) => ({
    pk: complianceKeys.partition(desk, kind, id),
    sk: `AUDIT#${at}#${String(index).padStart(5, '0')}`,
  }),
  exportRecord: (desk: string, dsarId: string) => ({
    pk: complianceKeys.partition(desk, 'dsar', dsarId),
    sk: 'EXPORT',
  }),
  attachment: (desk: string, ticketId: string, attachmentId: string) => ({
    pk: `DESK#${desk}#TICKET#${ticketId}`,
    sk: `ATTACHMENT#${attachmentId}`,
  }),
  /** byDeskStatusDue (gsi1): open compliance records by their next deadline (the sweep reads it). */
  deadlines: (desk: string) => `DESK#${desk}#COMPLIANCE_DEADLINES`,
  /** byRequester (gsi2): a requester's DSARs and appeals (export, erasure, "my requests"). */
  requesterRecords: (desk: string, email: string) => `DESK#${desk}#REQUESTER_COMPLIANCE#${email}`,
  /** Per-day counts of the purgeable data classes (sk `CLASS#<class>#DAY#<day>`, `CLASS#<class>#SEALED`). */
  retentionCounts: (desk: string) => `DESK#${desk}#RETENTION_COUNTS`,
  /** byWorkflowPending (gsi4, sparse): records with notices waiting for the mail sender. */
  pendingNotices: (desk: string) => `DESK#${desk}#COMPLIANCE_NOTICES`,
};
