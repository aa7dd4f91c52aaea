/**
 * Deadline handling for DSARs and billing appeals: what a one-time EventBridge Scheduler schedule
 * delivers, and the recurring sweep that catches anything a schedule missed (not created, deleted,
 * delivered late, failed into its dead-letter queue). Both end in the same idempotent
 * `applyDeadlines`: each deadline action is applied once, however often it is asked for.
 */
import { logger } from '../observability/logger.ts';
import type { Clock } from '../time/clock.ts';
import type { AppealService } from './appeal-service.ts';
import type { DsarService } from './dsar-service.ts';
import type { ComplianceStore, DeadlineEvent } from './ports.ts';

/** Records per desk one sweep handles; the rest wait for the next sweep (they stay in the index). */
export const SWEEP_LIMIT = 200;

export function deadlineService(deps: {
  dsars: Pick<DsarService, 'applyDeadlines'>;
  appeals: Pick<AppealService, 'applyDeadlines'>;
  records: ComplianceStore;
  /** Reportable breaches' notification windows share the deadline schedules (shared/incidents/breach-service.ts). */
  breaches: { applyDeadlines(desk: string, id: string): Promise<{ applied: number }> };
  clock: Clock;
}) {
  const handle = (event: Pick<DeadlineEvent, 'desk' | 'kind' | 'id'>) =>
    event.kind === 'dsar'
      ? deps.dsars.applyDeadlines(event.desk, event.id)
      : event.kind === 'security-incident'
        ? deps.breaches.applyDeadlines(event.desk, event.id)
        : deps.appeals.applyDeadlines(event.desk, event.id);

  return {
    handle,

    async sweep(desks: string[]) {
      const at = deps.clock.now().toISOString();
      const reports = [];
      for (const desk of desks) {
        const due = await deps.records.listDue(desk, at, SWEEP_LIMIT);
        let applied = 0;
        const failed: string[] = [];
        for (const record of due) {
          if (record.kind !== 'dsar' && record.kind !== 'billing-appeal') continue;
          try {
            applied += (await handle({ desk, kind: record.kind, id: record.id })).applied;
          } catch (error) {
            // One bad record must not stop the sweep; it stays due and is retried next time.
            failed.push(record.id);
            logger.error('deadline sweep failed for a record', { desk, id: record.id, error: String(error) });
          }
        }
        reports.push({ desk, due: due.length, applied, failed });
      }
      return { at, reports };
    },
  };
}

export type DeadlineService = ReturnType<typeof deadlineService>;
