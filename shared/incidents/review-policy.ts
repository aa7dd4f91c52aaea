/**
 * When a post-incident review is due after an incident is resolved, per desk, with the sentence
 * of the document it comes from. Only Acentus names a window; its range reads like every range in
 * the packs (docs/policy-packs.md): the lower bound is the due time, the upper bound is where the
 * review is late and leads are told. Desks whose document names no window get the product default.
 */

export interface ReviewPolicy {
  /** Hours after resolution at which the review is due. */
  dueHours: number;
  /** Hours after resolution after which it is late (the outer bound). */
  latestHours: number;
  /** The sentence of the document, or null for the product default. */
  source: string | null;
  reading: string;
}

/** Product default where a document names no window: Acentus's outer bound, the only one written down. */
export const DEFAULT_REVIEW_POLICY: ReviewPolicy = {
  dueHours: 120,
  latestHours: 120,
  source: null,
  reading:
    'The document names no review window; the product default is 120 hours, the outer bound of the only document that names one (Acentus).',
};

export const REVIEW_POLICIES: Readonly<Record<string, ReviewPolicy>> = {
  acentus: {
    dueHours: 72,
    latestHours: 120,
    source:
      'a post-incident report (PIR) issued within 72–120 hours of resolution. These timeframes set clear expectations for both customers and internal stakeholders.',
    reading:
      'Due 72 hours after resolution (the lower bound, as every range in the packs), late after 120 hours; calendar hours, because the document counts from resolution with no business calendar.',
  },
  techflow: {
    ...DEFAULT_REVIEW_POLICY,
    source: 'Root cause analysis for major incidents; Post-incident review meetings',
    reading:
      'TechFlow commits to post-incident review meetings but names no window; the product default of 120 hours applies.',
  },
  'rch-spyfocus': DEFAULT_REVIEW_POLICY,
  rarelogic: DEFAULT_REVIEW_POLICY,
};

export function reviewPolicyOf(desk: string): ReviewPolicy {
  return REVIEW_POLICIES[desk] ?? DEFAULT_REVIEW_POLICY;
}
