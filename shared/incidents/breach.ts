/**
 * The notification window of a reportable breach, pure. A security incident marked reportable gets a
 * deadline `notifyWithinHours` calendar hours after the company became aware of it (RCH SpyFocus: 72),
 * warnings before it, and an overdue record when it passes with no notification to the authority
 * recorded. Each threshold is recorded once, whether a one-time schedule or the sweep gets there first.
 */
import * as z from '#shared/validation/zod.ts';
import { type Principal, SUPERVISOR_ROLES } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { PolicyPack } from '../policy/schema.ts';
import {
  type BreachEvent,
  BreachNotification,
  type BreachState,
  type Incident,
  type ReportableBreach,
} from './model.ts';

export type BreachPolicy = NonNullable<PolicyPack['reportableBreaches']>;

const HOUR_MS = 3_600_000;

export const MarkReportableBody = z.strictObject({
  /** When the company became aware of the breach; default now. Not before the incident was opened. */
  awareAt: z.optional(z.iso.datetime()),
});
export type MarkReportableBody = z.infer<typeof MarkReportableBody>;

export const RecordNotificationBody = z.extend(
  z.pick(BreachNotification, {
    recipient: true,
    sentAt: true,
  }),
  { reference: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)) },
);
export type RecordNotificationBody = z.infer<typeof RecordNotificationBody>;

function assertSupervisor(principal: Principal) {
  if (!SUPERVISOR_ROLES.has(principal.role)) {
    throw DomainError.forbidden('Only ops, leads and managers handle reportable breaches.');
  }
}

const authorityNotice = (breach: ReportableBreach) =>
  breach.notifications.find((n) => n.recipient === 'authority');

export function breachStateOf(incident: Incident, now: Date): BreachState {
  const breach = incident.breach;
  if (!breach) return 'not-reportable';
  const notice = authorityNotice(breach);
  if (notice) return notice.sentAt <= breach.notifyBy ? 'notified' : 'notified-late';
  const t = now.toISOString();
  if (t >= breach.notifyBy) return 'overdue';
  const firstWarning = Math.min(...breach.warnAtHours);
  const warnedAt = new Date(Date.parse(breach.awareAt) + firstWarning * HOUR_MS).toISOString();
  return breach.warnAtHours.length && t >= warnedAt ? 'warned' : 'open';
}

/** Marks a security incident reportable: the deadline runs from `awareAt`. A repeat returns it unchanged. */
export function markReportable(input: {
  principal: Principal;
  incident: Incident;
  body: MarkReportableBody;
  now: Date;
  policy: BreachPolicy | undefined;
}): Incident {
  const { principal, incident, body, now, policy } = input;
  assertSupervisor(principal);
  if ((incident.category ?? 'incident') !== 'security') {
    throw DomainError.conflict(
      'not-a-security-incident',
      'Only a security incident can be a reportable breach.',
    );
  }
  if (!policy) {
    throw DomainError.conflict(
      'no-breach-policy',
      "This desk's policy names no notification window for reportable breaches.",
    );
  }
  if (incident.breach) return incident;
  const awareAt = body.awareAt ? new Date(body.awareAt) : now;
  if (awareAt.getTime() > now.getTime()) {
    throw DomainError.validation([{ pointer: '/awareAt', detail: 'not in the future' }]);
  }
  if (awareAt.toISOString() < incident.createdAt) {
    throw DomainError.validation([
      { pointer: '/awareAt', detail: 'not before the incident was opened; open it when you become aware' },
    ]);
  }
  const at = now.toISOString();
  return {
    ...incident,
    breach: {
      awareAt: awareAt.toISOString(),
      notifyBy: new Date(awareAt.getTime() + policy.notifyWithinHours * HOUR_MS).toISOString(),
      warnAtHours: [...policy.warnAtHours].sort((a, b) => a - b),
      notifyWithinHours: policy.notifyWithinHours,
      policy: policy.source ? `"${policy.source}"` : `${policy.notifyWithinHours} hours`,
      markedAt: at,
      markedBy: principal.id,
      events: [],
      notifications: [],
    },
    updatedAt: at,
    version: incident.version + 1,
  };
}

export function recordNotification(input: {
  principal: Principal;
  incident: Incident;
  body: RecordNotificationBody;
  now: Date;
}): Incident {
  const { principal, incident, body, now } = input;
  assertSupervisor(principal);
  if (!incident.breach) {
    throw DomainError.conflict('not-reportable', 'Mark the incident as a reportable breach first.');
  }
  if (Date.parse(body.sentAt) > now.getTime()) {
    throw DomainError.validation([{ pointer: '/sentAt', detail: 'not in the future' }]);
  }
  if (body.sentAt < incident.breach.awareAt) {
    throw DomainError.validation([{ pointer: '/sentAt', detail: 'not before the breach was known' }]);
  }
  if (incident.breach.notifications.length >= 50) {
    throw DomainError.conflict('too-many-notifications', 'A breach keeps at most 50 notifications.');
  }
  const at = now.toISOString();
  const notification: BreachNotification = {
    recipient: body.recipient,
    sentAt: new Date(body.sentAt).toISOString(),
    reference: body.reference,
    recordedAt: at,
    by: principal.id,
  };
  return {
    ...incident,
    breach: { ...incident.breach, notifications: [...incident.breach.notifications, notification] },
    updatedAt: at,
    version: incident.version + 1,
  };
}

/** The next threshold not yet recorded, or null once the authority is notified or all are recorded. */
export function nextBreachThreshold(
  incident: Incident,
): { at: string; type: BreachEvent['type']; hours: number } | null {
  const breach = incident.breach;
  if (!breach || authorityNotice(breach)) return null;
  const recorded = new Set(breach.events.map((e) => `${e.type}:${e.hours}`));
  const thresholds = [
    ...breach.warnAtHours.map((hours) => ({ type: 'warning' as const, hours })),
    { type: 'overdue' as const, hours: breach.notifyWithinHours },
  ];
  for (const t of thresholds) {
    if (recorded.has(`${t.type}:${t.hours}`)) continue;
    return { ...t, at: new Date(Date.parse(breach.awareAt) + t.hours * HOUR_MS).toISOString() };
  }
  return null;
}

/** Every threshold that has passed by `now`, recorded once each; the incident unchanged when none. */
export function recordBreachThresholds(
  incident: Incident,
  now: Date,
): { incident: Incident; recorded: BreachEvent[] } {
  const recorded: BreachEvent[] = [];
  let current = incident;
  for (;;) {
    const next = nextBreachThreshold(current);
    if (!next || next.at > now.toISOString() || !current.breach) break;
    const event: BreachEvent = {
      type: next.type,
      hours: next.hours,
      at: next.at,
      recordedAt: now.toISOString(),
    };
    recorded.push(event);
    current = { ...current, breach: { ...current.breach, events: [...current.breach.events, event] } };
  }
  if (recorded.length === 0) return { incident, recorded };
  return { incident: { ...current, version: incident.version + 1 }, recorded };
}

/** The instants a one-time schedule should wake the deadline handler: each warning and the deadline. */
export function breachScheduleTimes(breach: ReportableBreach): Date[] {
  return [...breach.warnAtHours, breach.notifyWithinHours].map(
    (hours) => new Date(Date.parse(breach.awareAt) + hours * HOUR_MS),
  );
}
