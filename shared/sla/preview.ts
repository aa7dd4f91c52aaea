/**
 * What-if tools over the SLA engine, free of side effects: `previewSla` times a hypothetical
 * ticket (and lists what would happen next if nothing else did), `replayAttainment` runs ticket
 * histories through a pack and reports how many targets were met per metric × priority.
 */

import * as z from '#shared/validation/zod.ts';
import type { Metric, PolicyPack } from '../policy/schema.ts';
import { METRICS } from '../policy/vocabulary.ts';
import { Channel, PRIORITIES, Priority, Status } from '../tickets/model.ts';
import { computeSla, type SlaAction, SlaInputError, SlaInputEvent, type SlaState } from './engine.ts';

export const PreviewTicket = z.strictObject({
  priority: Priority,
  plan: z.string().check(z.minLength(1)),
  channel: Channel,
  createdAt: z.iso.datetime({ offset: true }),
  status: z._default(Status, 'new'),
});
export type PreviewTicket = z.input<typeof PreviewTicket>;

export interface PreviewInput {
  pack: PolicyPack;
  ticket: PreviewTicket;
  /** Events after creation (no ticket-created). */
  events?: readonly SlaInputEvent[];
  /** The instant to evaluate at; default: the last event (or creation). */
  now?: Date | string;
  /** How many future checkpoints to walk for `upcoming` (default 50). */
  horizonSteps?: number;
}

export interface SlaPreview extends SlaState {
  now: string;
  /** Actions that would fall due after `now` if nothing else happened, in time order. */
  upcoming: SlaAction[];
}

/** The SLA state of a hypothetical ticket, plus what would happen next if nothing else did. */
export function previewSla(input: PreviewInput): SlaPreview {
  const ticket = PreviewTicket.parse(input.ticket);
  const extra = input.events ?? [];
  if (extra.some((e) => e.type === 'ticket-created')) {
    throw new SlaInputError('events must not contain ticket-created: the ticket attributes create it');
  }
  const events: SlaInputEvent[] = [
    {
      at: ticket.createdAt,
      type: 'ticket-created',
      priority: ticket.priority,
      plan: ticket.plan,
      channel: ticket.channel,
      status: ticket.status,
    },
    ...extra,
  ];
  const lastEvent = Math.max(...events.map((e) => Date.parse(e.at)));
  const now = input.now === undefined ? new Date(lastEvent) : new Date(input.now);
  if (Number.isNaN(now.getTime())) throw new SlaInputError('now is not a valid date');
  const state = computeSla(input.pack, events, now);
  const upcoming: SlaAction[] = [];
  let next = state.nextCheckpoint;
  const seen = new Set(state.actions.map((a) => a.id));
  for (let step = 0; next !== null && step < (input.horizonSteps ?? 50); step++) {
    const later = computeSla(input.pack, events, new Date(next));
    for (const a of later.actions) {
      if (!seen.has(a.id)) {
        seen.add(a.id);
        upcoming.push(a);
      }
    }
    next = later.nextCheckpoint;
  }
  return { ...state, now: now.toISOString(), upcoming };
}

export const ReplayTicket = z.strictObject({
  id: z.optional(z.string().check(z.minLength(1))),
  events: z.array(SlaInputEvent).check(z.minLength(1)),
  /** Evaluate at this instant; default the ticket's last event. */
  now: z.optional(z.iso.datetime({ offset: true })),
});
export type ReplayTicket = z.infer<typeof ReplayTicket>;

export interface AttainmentCell {
  /** Clocks that ended (met or missed) or breached. */
  measured: number;
  met: number;
  breached: number;
  /** Still running and not breached at evaluation time (not counted in attainment). */
  open: number;
  /** met / measured, or null when nothing was measured. */
  attainment: number | null;
}

export interface AttainmentReport {
  packId: string;
  packVersion: string;
  tickets: number;
  byMetric: Record<Metric, AttainmentCell & { byPriority: Record<Priority, AttainmentCell> }>;
  /** Tickets whose history could not be replayed, with the reason. */
  rejected: Array<{ id: string; error: string }>;
}

const emptyCell = (): AttainmentCell => ({ measured: 0, met: 0, breached: 0, open: 0, attainment: null });

/** Replays ticket histories through a pack and reports target attainment per metric × priority. */
export function replayAttainment(pack: PolicyPack, tickets: readonly ReplayTicket[]): AttainmentReport {
  const byMetric = Object.fromEntries(
    METRICS.map((m) => [
      m,
      { ...emptyCell(), byPriority: Object.fromEntries(PRIORITIES.map((p) => [p, emptyCell()])) },
    ]),
  ) as AttainmentReport['byMetric'];
  const rejected: AttainmentReport['rejected'] = [];
  let version = String(pack.version);
  let count = 0;
  tickets.forEach((t, i) => {
    const id = t.id ?? `#${i}`;
    try {
      const last = Math.max(...t.events.map((e) => Date.parse(e.at)));
      const state = computeSla(pack, t.events, t.now ? new Date(t.now) : new Date(last));
      version = state.packVersion;
      count += 1;
      const priority = state.ticket.priority;
      for (const m of state.metrics) {
        const cells = [byMetric[m.metric], byMetric[m.metric].byPriority[priority]];
        for (const cell of cells) {
          if (m.state === 'breached') {
            cell.measured += 1;
            cell.breached += 1;
          } else if (m.state === 'fulfilled') {
            cell.measured += 1;
            cell.met += 1;
          } else if (m.state === 'running' || m.state === 'paused') {
            cell.open += 1;
          }
        }
      }
    } catch (err) {
      rejected.push({ id, error: (err as Error).message });
    }
  });
  for (const m of METRICS) {
    const cells = [byMetric[m], ...PRIORITIES.map((p) => byMetric[m].byPriority[p])];
    for (const c of cells) c.attainment = c.measured === 0 ? null : c.met / c.measured;
  }
  return { packId: pack.id, packVersion: version, tickets: count, byMetric, rejected };
}
