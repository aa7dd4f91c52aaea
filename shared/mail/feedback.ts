import * as z from '#shared/validation/zod.ts';
import { deskForDomain } from './addresses.ts';
import type { SuppressedAddress } from './ports.ts';

/**
 * SES bounce and complaint feedback (identity notifications use `notificationType`, configuration-set
 * event destinations `eventType`; both arrive through SNS). A permanent bounce or a complaint
 * suppresses the address for the desk that sent the mail; transient bounces are only logged (SES
 * itself retried them).
 */
const Recipient = z.looseObject({ emailAddress: z.string() });

export const SesFeedback = z.looseObject({
  notificationType: z.optional(z.string()),
  eventType: z.optional(z.string()),
  mail: z.looseObject({ source: z.string(), messageId: z.string(), timestamp: z.optional(z.string()) }),
  bounce: z.optional(
    z.looseObject({
      bounceType: z.string(),
      bounceSubType: z.optional(z.string()),
      bouncedRecipients: z.array(z.extend(Recipient, { diagnosticCode: z.optional(z.string()) })),
      timestamp: z.string(),
    }),
  ),
  complaint: z.optional(
    z.looseObject({
      complainedRecipients: z.array(Recipient),
      complaintFeedbackType: z.optional(z.string()),
      timestamp: z.string(),
    }),
  ),
});
export type SesFeedback = z.infer<typeof SesFeedback>;

export interface FeedbackDecision {
  suppress: SuppressedAddress[];
  ignored: Array<{ email: string; reason: string }>;
}

const bare = (address: string) => (/<([^>]+)>/.exec(address)?.[1] ?? address).trim().toLowerCase();

export function suppressionsFor(feedback: SesFeedback): FeedbackDecision {
  const type = feedback.notificationType ?? feedback.eventType;
  const desk = deskForDomain(bare(feedback.mail.source))?.desk;
  const out: FeedbackDecision = { suppress: [], ignored: [] };
  if (type === 'Bounce' && feedback.bounce) {
    const permanent = feedback.bounce.bounceType === 'Permanent';
    for (const r of feedback.bounce.bouncedRecipients) {
      const email = bare(r.emailAddress);
      if (!desk)
        out.ignored.push({ email, reason: `sent from ${feedback.mail.source}, which is no desk's address` });
      else if (!permanent)
        out.ignored.push({ email, reason: `${feedback.bounce.bounceType} bounce (not suppressed)` });
      else
        out.suppress.push({
          desk,
          email,
          reason: 'bounce',
          detail:
            [feedback.bounce.bounceSubType, r.diagnosticCode].filter(Boolean).join(': ').slice(0, 500) ||
            'permanent bounce',
          at: feedback.bounce.timestamp,
        });
    }
  } else if (type === 'Complaint' && feedback.complaint) {
    for (const r of feedback.complaint.complainedRecipients) {
      const email = bare(r.emailAddress);
      if (!desk)
        out.ignored.push({ email, reason: `sent from ${feedback.mail.source}, which is no desk's address` });
      else
        out.suppress.push({
          desk,
          email,
          reason: 'complaint',
          detail: feedback.complaint.complaintFeedbackType ?? 'complaint',
          at: feedback.complaint.timestamp,
        });
    }
  }
  return out;
}
