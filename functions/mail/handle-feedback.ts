import { SesFeedback, suppressionsFor } from '#shared/mail/feedback.ts';
import { SnsEvent } from '#shared/mail/ses-notification.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';
import { mailFeedbackDeps } from '#shared/runtime/mail-record-deps.ts';

/** SNS → Lambda: SES bounce and complaint feedback. Suppressed addresses get no more mail from that desk. */
export const handler = asyncHandler('handle-feedback', SnsEvent, async (sns, { log }) => {
  const deps = mailFeedbackDeps();
  const results = [];
  for (const record of sns.Records) {
    const feedback = SesFeedback.parse(JSON.parse(record.Sns.Message));
    const decision = suppressionsFor(feedback);
    for (const entry of decision.suppress) await deps.mailStore.suppress(entry);
    log.info('mail feedback', {
      type: feedback.notificationType ?? feedback.eventType,
      suppressed: decision.suppress.length,
      ignored: decision.ignored.map((i) => i.reason),
    });
    results.push({
      suppressed: decision.suppress.map((s) => ({ desk: s.desk, reason: s.reason })),
      ignored: decision.ignored.length,
    });
  }
  return { results };
});
