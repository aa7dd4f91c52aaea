import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError, type FieldError } from '../errors/domain-error.ts';
import type { IdempotencyStore } from '../idempotency/ports.ts';
import { logger } from '../observability/logger.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { newId } from '../runtime/ids.ts';
import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { breachStateOf, recordBreachThresholds } from './breach.ts';
import { reportBreachThresholds } from './breach-alarms.ts';
import {
  type CreateIncidentBody,
  openIncident,
  recordReviewThresholds,
  type UpdateIncidentBody,
  updateIncident,
} from './commands.ts';
import { type FeedContext, statusJson, statusRss } from './feed.ts';
import { type Incident, reviewStateOf } from './model.ts';
import { type IncidentStore, IncidentVersionConflict } from './ports.ts';
import { reviewPolicyOf } from './review-policy.ts';

export interface IncidentServiceDeps {
  incidents: IncidentStore;
  /** Linked ticket ids are checked against the desk's tickets; creates claim idempotency keys here. */
  tickets: TicketReader & IdempotencyStore;
  clock: Clock;
}

export interface Idempotency {
  key: string;
  requestHash: string;
}

/** Incidents read for the feeds and the ops list (newest first). */
export const INCIDENT_LIST_LIMIT = 200;
const SWEEP_BATCH = 100;
const MAX_ATTEMPTS = 5;

const withReviewState = (incident: Incident, now: Date) => ({
  ...incident,
  reviewState: reviewStateOf(incident, now),
  breachState: breachStateOf(incident, now),
});

/** The components a desk's availability policy names (none without one). */
const componentsOf = (desk: string) => findPolicyPack(desk)?.availability?.components.map((c) => c.id) ?? [];

export function incidentService(deps: IncidentServiceDeps) {
  async function assertTicketsExist(desk: string, ids: readonly string[], pointer: string) {
    const found = await Promise.all(ids.map((id) => deps.tickets.getTicket(desk, id)));
    const errors: FieldError[] = [];
    found.forEach((t, i) => {
      if (!t) errors.push({ pointer: `${pointer}/${i}`, detail: 'no such ticket on this desk' });
    });
    if (errors.length) throw DomainError.validation(errors);
  }

  return {
    async create(principal: Principal, body: CreateIncidentBody, idem?: Idempotency) {
      const now = deps.clock.now();
      let id = newId(now);
      if (idem) {
        const outcome = await deps.tickets.claimIdempotencyKey({
          desk: principal.desk,
          principalId: principal.id,
          scope: 'create-incident',
          key: idem.key,
          requestHash: idem.requestHash,
          resourceId: id,
          at: now.toISOString(),
        });
        if (outcome.kind === 'mismatch') throw DomainError.idempotencyKeyReused();
        if (outcome.kind === 'replay') id = outcome.resourceId;
      }
      const existing = await deps.incidents.get(principal.desk, id);
      if (existing) return { incident: withReviewState(existing, now), replayed: true };
      const incident = openIncident({
        principal,
        body,
        id,
        now,
        policy: reviewPolicyOf(principal.desk),
        components: componentsOf(principal.desk),
      });
      await assertTicketsExist(principal.desk, incident.ticketIds, '/ticketIds');
      if (!(await deps.incidents.putNew(incident))) {
        const raced = await deps.incidents.get(principal.desk, id);
        if (!raced) throw new Error(`Incident ${id} reported as existing but not found`);
        return { incident: withReviewState(raced, now), replayed: true };
      }
      return { incident: withReviewState(incident, now), replayed: false };
    },

    async update(principal: Principal, id: string, patch: UpdateIncidentBody, expectedVersion: number) {
      const incident = await deps.incidents.get(principal.desk, id);
      if (!incident || !isStaff(principal)) throw DomainError.notFound(`Incident ${id}`);
      if (incident.version !== expectedVersion) {
        throw DomainError.preconditionFailed(
          `The incident is at version ${incident.version}; re-read it and retry.`,
        );
      }
      const now = deps.clock.now();
      const next = updateIncident({
        principal,
        incident,
        patch,
        now,
        policy: reviewPolicyOf(principal.desk),
        components: componentsOf(principal.desk),
      });
      if (next === incident) return withReviewState(incident, now);
      if (patch.linkTickets) await assertTicketsExist(principal.desk, patch.linkTickets, '/linkTickets');
      try {
        await deps.incidents.replace(next, expectedVersion);
      } catch (error) {
        if (error instanceof IncidentVersionConflict) {
          throw DomainError.preconditionFailed(
            'The incident changed while you were updating it; re-read it and retry.',
          );
        }
        throw error;
      }
      return withReviewState(next, now);
    },

    async get(principal: Principal, id: string) {
      const incident = await deps.incidents.get(principal.desk, id);
      if (!incident || !isStaff(principal)) throw DomainError.notFound(`Incident ${id}`);
      return withReviewState(incident, deps.clock.now());
    },

    async list(principal: Principal, limit: number) {
      if (!isStaff(principal)) throw DomainError.forbidden('The incident list is for support staff.');
      const now = deps.clock.now();
      const incidents = await deps.incidents.list(principal.desk, limit);
      return {
        desk: principal.desk,
        timeZone: findPolicyPack(principal.desk)?.timeZone ?? 'UTC',
        now: now.toISOString(),
        items: incidents.map((i) => withReviewState(i, now)),
      };
    },

    /** The public feeds of a desk; undefined for a desk that does not exist. */
    async feed(desk: string, baseUrl: string, format: 'json' | 'rss') {
      const pack = findPolicyPack(desk);
      if (!pack) return undefined;
      const now = deps.clock.now();
      const incidents = await deps.incidents.list(desk, INCIDENT_LIST_LIMIT);
      const ctx: FeedContext = {
        desk,
        name: pack.name,
        baseUrl: baseUrl.replace(/\/+$/, ''),
        now,
        availability: pack.availability,
      };
      return format === 'json' ? statusJson(incidents, ctx) : statusRss(incidents, ctx);
    },

    /**
     * The recurring review sweep: records each post-incident review threshold that has passed (due,
     * then late), once per incident, and logs it for the alarm. It is also the safety net of the
     * reportable-breach schedules: a warning or deadline their one-time schedule missed is recorded here. Idempotent: a threshold is recorded
     * once even if two sweeps overlap (version-checked writes).
     */
    async sweepReviews(desks: readonly string[]) {
      const now = deps.clock.now();
      const recorded: Array<{ desk: string; incidentId: string; thresholds: string[] }> = [];
      for (const desk of desks) {
        const due = await deps.incidents.listReviewDue(desk, now.toISOString(), SWEEP_BATCH);
        for (const { id } of due) {
          for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            const incident = await deps.incidents.get(desk, id);
            if (!incident) break;
            const reviewed = recordReviewThresholds(incident, now);
            const breach = recordBreachThresholds(reviewed, now);
            const next =
              breach.recorded.length && reviewed !== incident
                ? { ...breach.incident, version: incident.version + 1 }
                : breach.incident;
            if (next === incident) break;
            try {
              await deps.incidents.replace(next, incident.version);
            } catch (error) {
              if (error instanceof IncidentVersionConflict) continue;
              throw error;
            }
            if (breach.recorded.length) reportBreachThresholds(desk, id, breach.recorded, 'sweep');
            const thresholds = [
              ...next.review.events.slice(incident.review.events.length).map((e) => e.type),
              ...breach.recorded.map((e) => `breach-${e.type}-${e.hours}h`),
            ];
            recorded.push({ desk, incidentId: id, thresholds });
            if (reviewed !== incident) {
              logger.warn('post-incident review overdue', {
                desk,
                incidentId: id,
                thresholds,
                dueAt: next.review.dueAt,
                latestAt: next.review.latestAt,
              });
            }
            break;
          }
        }
      }
      return { now: now.toISOString(), recorded };
    },
  };
}

export type IncidentService = ReturnType<typeof incidentService>;
