/**
 * The contract with the mail sender (shared/notices/, another module): compliance records keep the
 * notices they owe (template id, audience, parameters; customers' with their address) until the sender
 * delivers them. It lists records with pending notices (the sparse byWorkflowPending partition
 * `DESK#<desk>#COMPLIANCE_NOTICES`), sends each, and marks it sent here, which also drops the
 * recipient's address and any one-time code from the record (an erased requester's last notice then
 * leaves nothing of them behind).
 */

import { findPolicyPack } from '../policy/packs.ts';
import type { Clock } from '../time/clock.ts';
import type { BillingAppeal } from './billing-appeal.ts';
import type { Dsar } from './dsar.ts';
import { appealIndex, dsarIndex } from './dsar-service.ts';
import type { ComplianceRecordKind, ComplianceStore, DeadlineScheduler } from './ports.ts';
import { recordRepository } from './record-repository.ts';
import type { PendingNotice } from './records.ts';

export interface NoticeToSend extends PendingNotice {
  desk: string;
  subject: { kind: ComplianceRecordKind; id: string };
}

export function noticeOutbox(deps: { records: ComplianceStore; scheduler: DeadlineScheduler; clock: Clock }) {
  const dsars = recordRepository<Dsar>(deps, dsarIndex(findPolicyPack));
  const appeals = recordRepository<BillingAppeal>(deps, appealIndex());

  return {
    /** Pending notices of a desk, oldest record first. */
    async pending(desk: string, limit = 50): Promise<NoticeToSend[]> {
      const out: NoticeToSend[] = [];
      for (const { kind, id } of await deps.records.listWithPendingNotices(desk, limit)) {
        const record = await deps.records.get(kind, desk, id);
        for (const n of record?.notices ?? [])
          if (n.status === 'pending') out.push({ ...n, desk, subject: { kind, id } });
      }
      return out;
    },

    /** Records a delivery; the address and any code leave the record. Idempotent. */
    async markSent(desk: string, subject: { kind: ComplianceRecordKind; id: string }, noticeId: string) {
      const at = deps.clock.now().toISOString();
      const markOne = <T extends Dsar | BillingAppeal>(record: T): T => {
        const notice = record.notices.find((n) => n.id === noticeId);
        if (!notice || notice.status === 'sent') return record;
        const notices = record.notices.map((n) => {
          if (n.id !== noticeId) return n;
          const { to: _to, ...rest } = n;
          const params = 'code' in rest.params ? { ...rest.params, code: null } : rest.params;
          return { ...rest, params, status: 'sent' as const, sentAt: at };
        });
        return { ...record, version: record.version + 1, notices };
      };
      if (subject.kind === 'dsar') await dsars.update(desk, subject.id, markOne);
      else if (subject.kind === 'billing-appeal') await appeals.update(desk, subject.id, markOne);
      else throw new Error(`${subject.kind} records owe no notices`);
    },
  };
}

export type NoticeOutbox = ReturnType<typeof noticeOutbox>;
