import type { Incident } from './model.ts';

export class IncidentVersionConflict extends Error {
  constructor(readonly incidentId: string) {
    super(`Incident ${incidentId} changed concurrently`);
    this.name = 'IncidentVersionConflict';
  }
}

export interface IncidentStore {
  get(desk: string, id: string): Promise<Incident | undefined>;
  /** `false` when it already exists (a retried create). */
  putNew(incident: Incident): Promise<boolean>;
  /** Replaces the incident if the stored version is still `expectedVersion`, else IncidentVersionConflict. */
  replace(incident: Incident, expectedVersion: number): Promise<void>;
  /** Newest first. */
  list(desk: string, limit: number): Promise<Incident[]>;
  /** Incidents whose next review threshold is before `before`, soonest first. */
  listReviewDue(desk: string, before: string, limit: number): Promise<Array<{ id: string; at: string }>>;
}
