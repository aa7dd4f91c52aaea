import * as z from '#shared/validation/zod.ts';
import { Slug, Ulid } from '../tickets/model.ts';

/** Statuspage's vocabulary, which status-page readers already know. */
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export const Impact = z.enum(IMPACTS);
export type Impact = z.infer<typeof Impact>;

export const MAX_UPDATES = 200;
export const MAX_LINKED_TICKETS = 500;

export const IncidentUpdate = z.strictObject({
  at: z.iso.datetime(),
  status: IncidentStatus,
  /** Public text: it is published on the status page and in the feeds. */
  message: z.string().check(z.minLength(1), z.maxLength(5000)),
  by: z.string().check(z.minLength(1), z.maxLength(128)),
});
export type IncidentUpdate = z.infer<typeof IncidentUpdate>;

/** Thresholds of the post-incident review, each recorded once by the review sweep. */
export const ReviewEvent = z.strictObject({
  at: z.iso.datetime(),
  type: z.enum(['due-passed', 'latest-passed']),
  recordedAt: z.iso.datetime(),
});
export type ReviewEvent = z.infer<typeof ReviewEvent>;

export const PostIncidentReview = z.strictObject({
  /** Set when the incident is resolved; cleared if it is reopened. */
  dueAt: z.nullable(z.iso.datetime()),
  latestAt: z.nullable(z.iso.datetime()),
  /** The policy sentence (or the product default) the due time comes from. */
  policy: z.string(),
  completedAt: z.nullable(z.iso.datetime()),
  url: z.nullable(z.url()),
  events: z.array(ReviewEvent),
});
export type PostIncidentReview = z.infer<typeof PostIncidentReview>;

/**
 * What an incident is: a service incident (counts against availability), an announced maintenance window
 * (excluded from it) or a security incident (internal: never on the public feeds; may be marked reportable).
 */
export const INCIDENT_CATEGORIES = ['incident', 'maintenance', 'security'] as const;
export const IncidentCategory = z.enum(INCIDENT_CATEGORIES);
export type IncidentCategory = z.infer<typeof IncidentCategory>;

export const MaintenanceWindow = z.strictObject({ startsAt: z.iso.datetime(), endsAt: z.iso.datetime() });
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

/** A notification of a reportable breach, as staff record it once sent. */
export const BreachNotification = z.strictObject({
  recipient: z.enum(['authority', 'customers', 'other']),
  /** When it was sent (recorded by staff; not after the recording). */
  sentAt: z.iso.datetime(),
  /** The authority's case number, the mailing's id, … */
  reference: z.string().check(z.minLength(1), z.maxLength(200)),
  recordedAt: z.iso.datetime(),
  by: z.string().check(z.minLength(1), z.maxLength(128)),
});
export type BreachNotification = z.infer<typeof BreachNotification>;

/** A threshold of the notification window, recorded once when it passes with no authority notified. */
export const BreachEvent = z.strictObject({
  type: z.enum(['warning', 'overdue']),
  /** Hours after awareness. */
  hours: z.number().check(z.int(), z.positive()),
  at: z.iso.datetime(),
  recordedAt: z.iso.datetime(),
});
export type BreachEvent = z.infer<typeof BreachEvent>;

/** A security incident marked reportable: the notification deadline and what was done about it. */
export const ReportableBreach = z.strictObject({
  /** When the company became aware of the breach: the window counts from here. */
  awareAt: z.iso.datetime(),
  notifyBy: z.iso.datetime(),
  warnAtHours: z.array(z.number().check(z.int(), z.positive())),
  notifyWithinHours: z.number().check(z.int(), z.positive()),
  /** The policy sentence the window comes from. */
  policy: z.string(),
  markedAt: z.iso.datetime(),
  markedBy: z.string().check(z.minLength(1), z.maxLength(128)),
  events: z.array(BreachEvent),
  notifications: z.array(BreachNotification).check(z.maxLength(50)),
});
export type ReportableBreach = z.infer<typeof ReportableBreach>;

export const Incident = z.strictObject({
  id: Ulid,
  desk: Slug,
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  status: IncidentStatus,
  impact: Impact,
  /** Tickets customers opened about it; internal, never published. */
  ticketIds: z.array(Ulid).check(z.maxLength(MAX_LINKED_TICKETS)),
  updates: z.array(IncidentUpdate).check(z.maxLength(MAX_UPDATES)),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  resolvedAt: z.nullable(z.iso.datetime()),
  review: PostIncidentReview,
  /** Absent on incidents recorded before categories existed: `incident`. */
  category: z.optional(IncidentCategory),
  /** Affected components of the desk's availability policy; absent or empty = every component. */
  components: z.optional(z.array(Slug).check(z.maxLength(20))),
  /** When the outage began, if before the incident was opened (availability counts from here). */
  startedAt: z.optional(z.iso.datetime()),
  /** A maintenance window, announced before it starts. */
  window: z.optional(MaintenanceWindow),
  /** Set when a security incident is marked reportable. */
  breach: z.optional(ReportableBreach),
  version: z.number().check(z.int(), z.minimum(1)),
});
export type Incident = z.infer<typeof Incident>;

/** Where the review stands at `now`. */
export const REVIEW_STATES = ['not-due', 'due', 'overdue', 'late', 'completed'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export function reviewStateOf(incident: Incident, now: Date): ReviewState {
  const r = incident.review;
  if (r.completedAt) return 'completed';
  if (!r.dueAt) return 'not-due';
  const t = now.toISOString();
  if (r.latestAt && t >= r.latestAt && r.latestAt !== r.dueAt) return 'late';
  return t >= r.dueAt ? 'overdue' : 'due';
}

/** Where a reportable breach's notification window stands (shared/incidents/breach.ts). */
export const BREACH_STATES = [
  'not-reportable',
  'open',
  'warned',
  'overdue',
  'notified',
  'notified-late',
] as const;
export type BreachState = (typeof BREACH_STATES)[number];

/** An incident as the staff routes answer it (shared/incidents/service.ts): with its review and breach states now. */
export const IncidentView = z.extend(Incident, {
  reviewState: z.enum(REVIEW_STATES),
  breachState: z.enum(BREACH_STATES),
});
