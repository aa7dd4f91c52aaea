import { randomUUID } from 'node:crypto';
import type { SesReceiptNotification } from '#shared/mail/ses-notification.ts';

/**
 * Event shapes SES and SNS produce, built for the local stack (and tests) exactly as AWS sends them:
 * the receipt notification of an S3 action, inside an SNS → Lambda event.
 * test/fixtures/ses/ holds real-shaped examples of both.
 */
export const LOCAL_ACCOUNT = '000000000000';

/** SES message ids are 20–40 lower-case alphanumerics. */
export function sesMessageId(): string {
  return (
    randomUUID().replace(/-/g, '').slice(0, 20) + Math.random().toString(36).slice(2, 22).padEnd(20, '0')
  );
}

export function s3ActionNotification(input: {
  messageId: string;
  receivedAt: Date;
  envelopeSender: string;
  recipients: string[];
  destination: string[];
  headers: Array<{ name: string; value: string }>;
  commonHeaders: Record<string, unknown>;
  bucketName: string;
  objectKeyPrefix: string;
  topicArn: string;
  verdicts?: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', string>>;
  /** The From domain's DMARC policy, present when SES found one (e.g. `NONE`, `QUARANTINE`, `REJECT`). */
  dmarcPolicy?: string;
}): SesReceiptNotification {
  const v = (name: 'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', fallback: string) => ({
    status: input.verdicts?.[name] ?? fallback,
  });
  return {
    notificationType: 'Received',
    mail: {
      timestamp: input.receivedAt.toISOString(),
      source: input.envelopeSender,
      messageId: input.messageId,
      destination: input.destination,
      headersTruncated: false,
      headers: input.headers,
      commonHeaders: input.commonHeaders,
    },
    receipt: {
      timestamp: input.receivedAt.toISOString(),
      processingTimeMillis: 12,
      recipients: input.recipients,
      // The local listener runs no content scans (spam and virus pass); sender verdicts come from
      // its table of authenticated domains (local/mail/sender-verdicts.ts), GRAY when not given.
      spamVerdict: v('spam', 'PASS'),
      virusVerdict: v('virus', 'PASS'),
      spfVerdict: v('spf', 'GRAY'),
      dkimVerdict: v('dkim', 'GRAY'),
      dmarcVerdict: v('dmarc', 'GRAY'),
      ...(input.dmarcPolicy ? { dmarcPolicy: input.dmarcPolicy } : {}),
      action: {
        type: 'S3',
        topicArn: input.topicArn,
        bucketName: input.bucketName,
        objectKeyPrefix: input.objectKeyPrefix,
        objectKey: `${input.objectKeyPrefix}${input.messageId}`,
      },
    },
  };
}

/** An SNS → Lambda event carrying one message (as Lambda receives an SNS subscription delivery). */
export function snsEvent(topicArn: string, message: unknown, subject?: string) {
  const id = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: id,
          TopicArn: topicArn,
          Subject: subject ?? null,
          Message: JSON.stringify(message),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/local.pem',
          UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${id}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}
