import * as z from '#shared/validation/zod.ts';

/**
 * The event the inbound handler receives: SNS delivering the notification of an SES receipt rule's
 * S3 action. The notification names the bucket and key SES wrote the raw MIME to (the Lambda action's
 * event does not), plus the verdicts of SES's spam, virus, SPF, DKIM and DMARC checks. Only
 * metadata: the body is always read from S3, never from the event.
 */
const Verdict = z.looseObject({ status: z.string() });

export const SesReceiptNotification = z.looseObject({
  notificationType: z.literal('Received'),
  mail: z.looseObject({
    timestamp: z.string(),
    source: z.string(),
    messageId: z.string().check(z.minLength(1)),
    destination: z.array(z.string()),
    headersTruncated: z.optional(z.boolean()),
    headers: z.optional(z.array(z.object({ name: z.string(), value: z.string() }))),
    commonHeaders: z.optional(
      z.looseObject({
        from: z.optional(z.array(z.string())),
        subject: z.optional(z.string()),
        messageId: z.optional(z.string()),
      }),
    ),
  }),
  receipt: z.looseObject({
    timestamp: z.string(),
    recipients: z.array(z.string()).check(z.minLength(1)),
    spamVerdict: z.optional(Verdict),
    virusVerdict: z.optional(Verdict),
    spfVerdict: z.optional(Verdict),
    dkimVerdict: z.optional(Verdict),
    dmarcVerdict: z.optional(Verdict),
    dmarcPolicy: z.optional(z.string()),
    action: z.looseObject({
      type: z.literal('S3'),
      topicArn: z.optional(z.string()),
      bucketName: z.string().check(z.minLength(3)),
      objectKeyPrefix: z.optional(z.string()),
      objectKey: z.string().check(z.minLength(1)),
    }),
  }),
});
export type SesReceiptNotification = z.infer<typeof SesReceiptNotification>;

export const SnsEvent = z.object({
  Records: z
    .array(
      z.looseObject({
        EventSource: z.literal('aws:sns'),
        Sns: z.looseObject({ MessageId: z.string(), TopicArn: z.string(), Message: z.string() }),
      }),
    )
    .check(z.minLength(1)),
});
export type SnsEvent = z.infer<typeof SnsEvent>;

export type VerdictDecision = { accept: true } | { accept: false; reason: string };

const failed = (v: { status: string } | undefined) => v?.status?.toUpperCase() === 'FAIL';

/**
 * What SES's checks mean for us: a virus or spam verdict rejects; so does mail that fails DMARC
 * under a reject or quarantine policy, or fails both SPF and DKIM (spoofed: the requester could be
 * anyone). GRAY and PROCESSING_FAILED are not failures (no policy, or the check could not run).
 */
export function judgeVerdicts(receipt: SesReceiptNotification['receipt']): VerdictDecision {
  if (failed(receipt.virusVerdict)) return { accept: false, reason: 'SES virus verdict FAIL' };
  if (failed(receipt.spamVerdict)) return { accept: false, reason: 'SES spam verdict FAIL' };
  const policy = receipt.dmarcPolicy?.toUpperCase();
  if (failed(receipt.dmarcVerdict) && (policy === 'REJECT' || policy === 'QUARANTINE')) {
    return { accept: false, reason: `DMARC FAIL with policy ${policy}` };
  }
  if (failed(receipt.spfVerdict) && failed(receipt.dkimVerdict)) {
    return { accept: false, reason: 'SPF and DKIM both FAIL (sender could not be authenticated)' };
  }
  return { accept: true };
}
