import { isStaff, type Principal } from '../auth/principal.ts';
import type { DeadlineScheduler } from '../compliance/ports.ts';
import { DomainError } from '../errors/domain-error.ts';
import { findPolicyPack } from '../policy/packs.ts';
import type { Clock } from '../time/clock.ts';
import {
  breachScheduleTimes,
  breachStateOf,
  type MarkReportableBody,
  markReportable,
  type RecordNotificationBody,
  recordBreachThresholds,
  recordNotification,
} from './breach.ts';
import { reportBreachThresholds } from './breach-alarms.ts';
import { type Incident, type ReportableBreach, reviewStateOf } from './model.ts';
import { type IncidentStore, IncidentVersionConflict } from './ports.ts';

export interface BreachServiceDeps {
  incidents: IncidentStore;
  /** The compliance deadline schedules (EventBridge Scheduler `at()`), delivered to the deadline handler. */
  scheduler: DeadlineScheduler;
  clock: Clock;
}

const MAX_ATTEMPTS = 5;

/** Scheduler names: 64 characters of `[0-9A-Za-z_.-]`, unique per incident and threshold. */
export function breachScheduleName(incidentId: string, at: Date): string {
  return `breach-${incidentId}-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')}`;
}

/**
 * When the schedules fire: each threshold rounded up to the second, because Scheduler's `at()` has
 * second precision and a delivery a fraction of a second early would find nothing due yet.
 */
const scheduleTimes = (breach: ReportableBreach) =>
  breachScheduleTimes(breach).map((at) => new Date(Math.ceil(at.getTime() / 1000) * 1000));

const view = (incident: Incident, now: Date) => ({
  ...incident,
  reviewState: reviewStateOf(incident, now),
  breachState: breachStateOf(incident, now),
});

/**
 * Reportable breaches: marking a security incident reportable (which schedules its warnings and deadline
 * as one-time schedules), recording the notifications sent, and applying a threshold when its schedule
 * fires. Every write is version-checked; a repeated call or a repeated delivery changes nothing.
 */
export function breachService(deps: BreachServiceDeps) {
  /** Reads, changes and writes an incident, retrying when another writer got there first. */
  async function change(desk: string, id: string, apply: (incident: Incident, now: Date) => Incident) {
    for (let attempt = 1; ; attempt++) {
      const incident = await deps.incidents.get(desk, id);
      if (!incident) throw DomainError.notFound(`Incident ${id}`);
      const now = deps.clock.now();
      const next = apply(incident, now);
      if (next === incident) return { before: incident, after: incident, now };
      try {
        await deps.incidents.replace(next, incident.version);
        return { before: incident, after: next, now };
      } catch (error) {
        if (!(error instanceof IncidentVersionConflict) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  const schedule = async (incident: Incident) => {
    if (!incident.breach) return;
    for (const at of scheduleTimes(incident.breach)) {
      await deps.scheduler.scheduleOnce(breachScheduleName(incident.id, at), at, {
        desk: incident.desk,
        kind: 'security-incident',
        id: incident.id,
        dueAt: at.toISOString(),
      });
    }
  };

  return {
    async markReportable(principal: Principal, id: string, body: MarkReportableBody) {
      if (!isStaff(principal)) throw DomainError.notFound(`Incident ${id}`);
      const policy = findPolicyPack(principal.desk)?.reportableBreaches;
      const { after, now } = await change(principal.desk, id, (incident, at) =>
        markReportable({ principal, incident, body, now: at, policy }),
      );
      // Also on a repeat: a create that failed after the write is retried by repeating the call.
      await schedule(after);
      // A breach marked with an awareness already past a threshold records it now.
      await this.applyDeadlines(principal.desk, id);
      const current = await deps.incidents.get(principal.desk, id);
      return view(current ?? after, now);
    },

    async recordNotification(principal: Principal, id: string, body: RecordNotificationBody) {
      if (!isStaff(principal)) throw DomainError.notFound(`Incident ${id}`);
      const { after, now } = await change(principal.desk, id, (incident, at) =>
        recordNotification({ principal, incident, body, now: at }),
      );
      if (after.breach?.notifications.some((n) => n.recipient === 'authority')) {
        // The window is closed: the remaining schedules have nothing left to do.
        for (const at of scheduleTimes(after.breach))
          if (at.getTime() > now.getTime()) await deps.scheduler.cancel(breachScheduleName(after.id, at));
      }
      return view(after, now);
    },

    /** A schedule fired (or the sweep found a threshold): record what has passed, once, and raise it. */
    async applyDeadlines(desk: string, id: string): Promise<{ applied: number }> {
      let recorded: ReturnType<typeof recordBreachThresholds>['recorded'] = [];
      try {
        await change(desk, id, (incident, now) => {
          const result = recordBreachThresholds(incident, now);
          recorded = result.recorded;
          return result.incident;
        });
      } catch (error) {
        // A schedule for an incident that no longer exists (purged) has nothing to do.
        if (error instanceof DomainError && error.kind === 'not-found') return { applied: 0 };
        throw error;
      }
      reportBreachThresholds(desk, id, recorded, 'schedule');
      return { applied: recorded.length };
    },
  };
}

export type BreachService = ReturnType<typeof breachService>;
