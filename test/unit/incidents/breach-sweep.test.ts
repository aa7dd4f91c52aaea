import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import type { DeadlineEvent, DeadlineScheduler } from '#shared/compliance/ports.ts';
import { nextBreachThreshold } from '#shared/incidents/breach.ts';
import { breachService } from '#shared/incidents/breach-service.ts';
import { nextReviewThreshold } from '#shared/incidents/commands.ts';
import type { Incident } from '#shared/incidents/model.ts';
import { type IncidentStore, IncidentVersionConflict } from '#shared/incidents/ports.ts';
import { incidentService } from '#shared/incidents/service.ts';
import type { TicketStore } from '#shared/tickets/ports.ts';

/**
 * The sweep is the safety net of the breach schedules: with every schedule lost, the review sweep still
 * records the warnings and the deadline, once. An in-memory store stands in for the table (its due
 * index: the soonest of the review's and the breach's next thresholds, as shared/store/incident-store.ts).
 */
function memoryStore(): IncidentStore {
  const items = new Map<string, Incident>();
  const due = (i: Incident) =>
    [nextReviewThreshold(i), nextBreachThreshold(i)]
      .filter((t) => t !== null)
      .sort((a, b) => a.at.localeCompare(b.at))[0];
  return {
    get: async (desk, id) => structuredClone(items.get(`${desk}/${id}`)),
    putNew: async (incident) => {
      if (items.has(`${incident.desk}/${incident.id}`)) return false;
      items.set(`${incident.desk}/${incident.id}`, structuredClone(incident));
      return true;
    },
    replace: async (incident, expected) => {
      if (items.get(`${incident.desk}/${incident.id}`)?.version !== expected)
        throw new IncidentVersionConflict(incident.id);
      items.set(`${incident.desk}/${incident.id}`, structuredClone(incident));
    },
    list: async (desk) => [...items.values()].filter((i) => i.desk === desk),
    listReviewDue: async (desk, before) =>
      [...items.values()]
        .filter((i) => i.desk === desk)
        .map((i) => ({ id: i.id, at: due(i)?.at }))
        .filter((x): x is { id: string; at: string } => x.at !== undefined && x.at < before),
    listCreatedBetween: async () => [],
  };
}

const lead: Principal = {
  id: 'lead-1',
  role: 'lead',
  desk: 'rch-spyfocus',
  email: undefined,
  name: undefined,
  plan: undefined,
  tier: undefined,
};

describe('the review sweep records breach thresholds whose schedules never fired', () => {
  it('records the warnings and the deadline once, whatever the number of sweeps', async () => {
    let now = new Date('2031-03-02T09:00:00Z');
    const clock = { now: () => now };
    const incidents = memoryStore();
    const scheduled: Array<{ name: string; event: DeadlineEvent }> = [];
    // Schedules are created, then lost: nothing ever delivers them.
    const scheduler: DeadlineScheduler = {
      scheduleOnce: async (name, _at, event) => {
        scheduled.push({ name, event });
      },
      cancel: async () => {},
    };
    const service = incidentService({ incidents, tickets: {} as TicketStore, clock });
    const breaches = breachService({ incidents, scheduler, clock });
    const { incident } = await service.create(lead, {
      title: 'Leak',
      impact: 'major',
      status: 'investigating',
      message: 'x',
      category: 'security',
    });
    await breaches.markReportable(lead, incident.id, {});
    expect(scheduled.map((s) => s.event.kind)).toEqual([
      'security-incident',
      'security-incident',
      'security-incident',
    ]);

    now = new Date('2031-03-04T09:15:00Z'); // 48 h 15 min
    let swept = await service.sweepReviews(['rch-spyfocus']);
    expect(swept.recorded).toEqual([
      { desk: 'rch-spyfocus', incidentId: incident.id, thresholds: ['breach-warning-48h'] },
    ]);
    now = new Date('2031-03-05T10:00:00Z'); // 73 h
    swept = await service.sweepReviews(['rch-spyfocus']);
    expect(swept.recorded[0]?.thresholds).toEqual(['breach-warning-60h', 'breach-overdue-72h']);
    expect((await service.sweepReviews(['rch-spyfocus'])).recorded).toEqual([]);
    const read = await service.get(lead, incident.id);
    expect(read.breachState).toBe('overdue');
    expect(read.breach?.events).toHaveLength(3);
    // A late delivery of a schedule afterwards changes nothing.
    expect(await breaches.applyDeadlines('rch-spyfocus', incident.id)).toEqual({ applied: 0 });
  });
});
