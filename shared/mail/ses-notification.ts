import * as z from 'zod';

/**
 * The event the inbound handler receives: SNS delivering the notification of an SES receipt rule's
 * S3 action. The notification names the bucket and key SES wrote the raw MIME to (the Lambda action's
 * event does not), plus the verdicts of SES's spam, virus, SPF, DKIM and DMARC checks. Only
 * metadata: the body is always read from S3, never from the event.
 */
const Verdict = z.object({ status: z.string() }).passthrough();

export const SesReceiptNotification = z
  .object({
    notificationType: z.literal('Received'),
    mail: z
      .object({
        timestamp: z.string(),
        source: z.string(),
        messageId: z.string().min(1),
        destination: z.array(z.string()),
        headersTruncated: z.boolean().optional(),
        headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
        commonHeaders: z
          .object({
            from: z.array(z.string()).optional(),
            subject: z.string().optional(),
            messageId: z.string().optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough(),
    receipt: z
      .object({
        timestamp: z.string(),
        recipients: z.array(z.string()).min(1),
        spamVerdict: Verdict.optional(),
        virusVerdict: Verdict.optional(),
        spfVerdict: Verdict.optional(),
        dkimVerdict: Verdict.optional(),
        dmarcVerdict: Verdict.optional(),
        dmarcPolicy: z.string().optional(),
        action: z
          .object({
            type: z.literal('S3'),
            topicArn: z.string().optional(),
            bucketName: z.string().min(3),
            objectKeyPrefix: z.string().optional(),
            objectKey: z.string().min(1),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();
export type SesReceiptNotification = z.infer<typeof SesReceiptNotification>;

export const SnsEvent = z.object({
  Records: z
    .array(
      z
        .object({
          EventSource: z.literal('aws:sns'),
          Sns: z.object({ MessageId: z.string(), TopicArn: z.string(), Message: z.string() }).passthrough(),
        })
        .passthrough(),
    )
    .min(1),
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
