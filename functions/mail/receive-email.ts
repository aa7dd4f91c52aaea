import { receiveInboundMail } from '#shared/mail/intake.ts';
import { SesReceiptNotification, SnsEvent } from '#shared/mail/ses-notification.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { mailInboundDeps } from '#shared/runtime/mail-intake-deps.ts';

/**
 * SNS → Lambda: the notification of the SES receipt rule's S3 action. Reads the raw MIME from the
 * bucket and key it names and opens or continues tickets (shared/mail/intake.ts). Errors are thrown,
 * so Lambda retries the event and then parks it in the dead-letter queue; the inbound record's claim
 * makes a retry finish the work, never repeat it.
 */
export const handler = asyncHandler('receive-email', SnsEvent, async (sns, { log }) => {
  const results = [];
  for (const record of sns.Records) {
    const notification = SesReceiptNotification.parse(JSON.parse(record.Sns.Message));
    const outcomes = await receiveInboundMail(mailInboundDeps(), notification);
    // No addresses or subjects in logs (PII): desk, outcome, reason and ids only.
    log.info('inbound mail', { sesMessageId: notification.mail.messageId, outcomes });
    results.push({ sesMessageId: notification.mail.messageId, outcomes });
  }
  return { results };
});
