import * as z from 'zod';
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
  message: z.string().min(1).max(5000),
  by: z.string().min(1).max(128),
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
  dueAt: z.iso.datetime().nullable(),
  latestAt: z.iso.datetime().nullable(),
  /** The policy sentence (or the product default) the due time comes from. */
  policy: z.string(),
  completedAt: z.iso.datetime().nullable(),
  url: z.url().nullable(),
  events: z.array(ReviewEvent),
});
export type PostIncidentReview = z.infer<typeof PostIncidentReview>;

export const Incident = z.strictObject({
  id: Ulid,
  desk: Slug,
  title: z.string().min(1).max(200),
  status: IncidentStatus,
  impact: Impact,
  /** Tickets customers opened about it; internal, never published. */
  ticketIds: z.array(Ulid).max(MAX_LINKED_TICKETS),
  updates: z.array(IncidentUpdate).max(MAX_UPDATES),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().nullable(),
  review: PostIncidentReview,
  version: z.number().int().min(1),
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

/** An incident as the staff routes answer it (shared/incidents/service.ts): with its review state now. */
export const IncidentView = Incident.extend({ reviewState: z.enum(REVIEW_STATES) });
