/**
 * Incident changes, pure: open, update (status, impact, title, a public update message, linked
 * tickets), resolve (which sets the post-incident review's due time from the desk's policy),
 * reopen, complete the review, and the review thresholds the sweep records.
 */
import { enumWithout } from '#shared/validation/enum-without.ts';
import * as z from '#shared/validation/zod.ts';
import { type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { DomainError, type FieldError } from '../errors/domain-error.ts';
import { Slug, Ulid } from '../tickets/model.ts';
import {
  Impact,
  type Incident,
  IncidentCategory,
  IncidentStatus,
  MAX_LINKED_TICKETS,
  MAX_UPDATES,
  type ReviewEvent,
} from './model.ts';
import type { ReviewPolicy } from './review-policy.ts';

const Message = z.string().check(z.trim(), z.minLength(1), z.maxLength(5000));
const TicketIds = z.array(Ulid).check(z.minLength(1), z.maxLength(100));

export const CreateIncidentBody = z.strictObject({
  title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  impact: Impact,
  status: z._default(enumWithout(IncidentStatus, ['resolved']), 'investigating'),
  /** The first public update. */
  message: Message,
  ticketIds: z.optional(z.array(Ulid).check(z.maxLength(100))),
  /** `maintenance` needs `window`; `security` incidents stay off the public feeds. */
  category: z.optional(IncidentCategory),
  /** Affected components (the desk's availability policy names them); none = every component. */
  components: z.optional(z.array(Slug).check(z.maxLength(20))),
  /** When the outage began, if before now. */
  startedAt: z.optional(z.iso.datetime()),
  window: z.optional(z.strictObject({ startsAt: z.iso.datetime(), endsAt: z.iso.datetime() })),
});
export type CreateIncidentBody = z.infer<typeof CreateIncidentBody>;

export const UpdateIncidentBody = z
  .strictObject({
    title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
    impact: z.optional(Impact),
    status: z.optional(IncidentStatus),
    /** A public update; required with a status change, so the page says why. */
    message: z.optional(Message),
    linkTickets: z.optional(TicketIds),
    unlinkTickets: z.optional(TicketIds),
    review: z.optional(
      z.strictObject({ completed: z.literal(true), url: z.optional(z.url().check(z.maxLength(2000))) }),
    ),
    components: z.optional(z.array(Slug).check(z.maxLength(20))),
  })
  .check(z.refine((b) => Object.keys(b).length > 0, { message: 'Send at least one field to change.' }));
export type UpdateIncidentBody = z.infer<typeof UpdateIncidentBody>;

const HOUR_MS = 3_600_000;

export function assertCanManageIncidents(principal: Principal): void {
  if (!SUPERVISOR_ROLES.has(principal.role)) {
    throw DomainError.forbidden('Only ops, leads and managers publish incidents.');
  }
}

function reviewDue(resolvedAt: string, policy: ReviewPolicy) {
  const at = Date.parse(resolvedAt);
  return {
    dueAt: new Date(at + policy.dueHours * HOUR_MS).toISOString(),
    latestAt: new Date(at + policy.latestHours * HOUR_MS).toISOString(),
  };
}

const policyText = (policy: ReviewPolicy) =>
  policy.source ? `"${policy.source}" — ${policy.reading}` : policy.reading;

/** Components must be the desk's (its availability policy); a desk without one takes none. */
function assertComponents(
  components: readonly string[] | undefined,
  known: readonly string[],
  pointer: string,
) {
  const errors: FieldError[] = [];
  components?.forEach((c, i) => {
    if (!known.includes(c))
      errors.push({
        pointer: `${pointer}/${i}`,
        detail: known.length
          ? `not a component of this desk (${known.join(', ')})`
          : 'this desk names no components',
      });
  });
  if (errors.length) throw DomainError.validation(errors);
}

/** Checks category-specific fields: a maintenance window is announced before it starts; an outage started in the past. */
function categoryFields(body: CreateIncidentBody, now: Date): Pick<Incident, 'startedAt' | 'window'> {
  const errors: FieldError[] = [];
  if (body.category === 'maintenance') {
    if (!body.window) errors.push({ pointer: '/window', detail: 'required for a maintenance window' });
    else {
      if (Date.parse(body.window.startsAt) < now.getTime())
        errors.push({
          pointer: '/window/startsAt',
          detail: 'announce maintenance before it starts; an outage already under way is an incident',
        });
      if (Date.parse(body.window.endsAt) <= Date.parse(body.window.startsAt))
        errors.push({ pointer: '/window/endsAt', detail: 'after startsAt' });
    }
    if (body.startedAt)
      errors.push({ pointer: '/startedAt', detail: 'a maintenance window has window.startsAt' });
  } else {
    if (body.window) errors.push({ pointer: '/window', detail: 'only maintenance has a window' });
    if (body.startedAt && Date.parse(body.startedAt) > now.getTime())
      errors.push({ pointer: '/startedAt', detail: 'not in the future' });
  }
  if (errors.length) throw DomainError.validation(errors);
  const iso = (t: string) => new Date(t).toISOString();
  if (body.category === 'maintenance' && body.window)
    return { window: { startsAt: iso(body.window.startsAt), endsAt: iso(body.window.endsAt) } };
  return body.startedAt ? { startedAt: iso(body.startedAt) } : {};
}

export function openIncident(input: {
  principal: Principal;
  body: CreateIncidentBody;
  id: string;
  now: Date;
  policy: ReviewPolicy;
  /** The desk's availability components (none when it has no availability policy). */
  components?: readonly string[];
}): Incident {
  const { principal, body, id, now, policy } = input;
  assertCanManageIncidents(principal);
  assertComponents(body.components, input.components ?? [], '/components');
  const extra = categoryFields(body, now);
  const at = now.toISOString();
  return {
    id,
    desk: principal.desk,
    title: body.title,
    status: body.status,
    impact: body.impact,
    ticketIds: [...new Set(body.ticketIds ?? [])],
    updates: [{ at, status: body.status, message: body.message, by: principal.id }],
    createdAt: at,
    updatedAt: at,
    resolvedAt: null,
    review: {
      dueAt: null,
      latestAt: null,
      policy: policyText(policy),
      completedAt: null,
      url: null,
      events: [],
    },
    category: body.category ?? 'incident',
    ...(body.components?.length ? { components: [...new Set(body.components)] } : {}),
    ...extra,
    version: 1,
  };
}

export function updateIncident(input: {
  principal: Principal;
  incident: Incident;
  patch: UpdateIncidentBody;
  now: Date;
  policy: ReviewPolicy;
  components?: readonly string[];
}): Incident {
  const { principal, incident, patch, now, policy } = input;
  assertCanManageIncidents(principal);
  assertComponents(patch.components, input.components ?? [], '/components');
  const at = now.toISOString();
  const next: Incident = { ...incident, review: { ...incident.review } };
  const statusChanges = patch.status !== undefined && patch.status !== incident.status;
  if (statusChanges && !patch.message) {
    throw DomainError.validation([
      { pointer: '/message', detail: 'required with a status change: the status page says what changed' },
    ]);
  }
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.components !== undefined) {
    if (patch.components.length) next.components = [...new Set(patch.components)];
    else delete next.components;
  }
  if (patch.impact !== undefined) next.impact = patch.impact;
  if (statusChanges) {
    next.status = patch.status!;
    if (patch.status === 'resolved') {
      next.resolvedAt = at;
      const due = reviewDue(at, policy);
      next.review = {
        ...next.review,
        ...due,
        policy: policyText(policy),
        completedAt: null,
        events: [],
      };
    } else if (incident.status === 'resolved') {
      // Reopened: the incident is ongoing again; the review falls due after the next resolution.
      next.resolvedAt = null;
      next.review = { ...next.review, dueAt: null, latestAt: null, events: [] };
    }
  }
  if (patch.message) {
    if (incident.updates.length >= MAX_UPDATES) {
      throw DomainError.conflict(
        'too-many-updates',
        `An incident keeps at most ${MAX_UPDATES} updates; open a follow-up incident.`,
      );
    }
    next.updates = [
      ...incident.updates,
      { at, status: next.status, message: patch.message, by: principal.id },
    ];
  }
  if (patch.linkTickets || patch.unlinkTickets) {
    const ids = new Set(next.ticketIds);
    for (const id of patch.linkTickets ?? []) ids.add(id);
    for (const id of patch.unlinkTickets ?? []) ids.delete(id);
    if (ids.size > MAX_LINKED_TICKETS) {
      throw DomainError.validation([
        { pointer: '/linkTickets', detail: `an incident links at most ${MAX_LINKED_TICKETS} tickets` },
      ]);
    }
    next.ticketIds = [...ids];
  }
  if (patch.review) {
    if (next.status !== 'resolved') {
      throw DomainError.conflict(
        'incident-not-resolved',
        'The post-incident review can be completed once the incident is resolved.',
      );
    }
    next.review = { ...next.review, completedAt: at, url: patch.review.url ?? null };
  }
  const changed = JSON.stringify(next) !== JSON.stringify(incident);
  if (!changed) return incident;
  return { ...next, updatedAt: at, version: incident.version + 1 };
}

/** The next review threshold not yet recorded: when the sweep should look at this incident again. */
export function nextReviewThreshold(incident: Incident): { at: string; type: ReviewEvent['type'] } | null {
  const r = incident.review;
  if (r.completedAt || !r.dueAt) return null;
  const recorded = new Set(r.events.map((e) => e.type));
  if (!recorded.has('due-passed')) return { at: r.dueAt, type: 'due-passed' };
  if (r.latestAt && r.latestAt !== r.dueAt && !recorded.has('latest-passed')) {
    return { at: r.latestAt, type: 'latest-passed' };
  }
  return null;
}

/**
 * Records every review threshold that has passed by `now`, once each (the sweep's step). Returns
 * the incident unchanged when nothing is due.
 */
export function recordReviewThresholds(incident: Incident, now: Date): Incident {
  const events: ReviewEvent[] = [];
  let current = incident;
  for (;;) {
    const threshold = nextReviewThreshold(current);
    if (!threshold || threshold.at > now.toISOString()) break;
    const event: ReviewEvent = { at: threshold.at, type: threshold.type, recordedAt: now.toISOString() };
    events.push(event);
    current = { ...current, review: { ...current.review, events: [...current.review.events, event] } };
  }
  if (events.length === 0) return incident;
  return { ...current, version: incident.version + 1 };
}
