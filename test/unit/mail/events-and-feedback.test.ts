import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SesFeedback, suppressionsFor } from '#shared/mail/feedback.ts';
import { SesReceiptNotification, SnsEvent } from '#shared/mail/ses-notification.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/ses/${name}`, import.meta.url), 'utf8'));
const messages = (name: string) =>
  SnsEvent.parse(fixture(name)).Records.map((r) => JSON.parse(r.Sns.Message));

describe('SES events', () => {
  it('the S3 action notification names the bucket and key of the raw mail, and carries no body', () => {
    const [message] = messages('s3-action-notification.sns.json');
    const n = SesReceiptNotification.parse(message);
    expect(n.receipt.action).toMatchObject({
      type: 'S3',
      bucketName: 'tierdesk-prod-mail-inbound',
      objectKey: 'inbound/techflow/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
    });
    expect(JSON.stringify(n)).not.toContain('printer is on fire');
  });

  it('an SES Lambda-action event (no bucket, no key) is refused', () => {
    const [message] = messages('s3-action-notification.sns.json');
    const lambdaAction = {
      ...message,
      receipt: {
        ...message.receipt,
        action: {
          type: 'Lambda',
          functionArn: 'arn:aws:lambda:us-east-1:1:function:f',
          invocationType: 'Event',
        },
      },
    };
    expect(SesReceiptNotification.safeParse(lambdaAction).success).toBe(false);
  });

  it('a permanent bounce suppresses the address for the desk that sent the mail', () => {
    const [bounce] = messages('bounce.sns.json');
    expect(suppressionsFor(SesFeedback.parse(bounce))).toEqual({
      suppress: [
        {
          desk: 'techflow',
          email: 'gone@example.com',
          reason: 'bounce',
          detail: 'General: smtp; 550 5.1.1 user unknown',
          at: '2030-01-07T14:05:02.000Z',
        },
      ],
      ignored: [],
    });
  });

  it('a complaint (configuration-set event format) suppresses; a transient bounce does not', () => {
    const [complaint, transient] = messages('complaint-and-transient.sns.json');
    expect(suppressionsFor(SesFeedback.parse(complaint)).suppress).toEqual([
      {
        desk: 'acentus',
        email: 'angry@example.org',
        reason: 'complaint',
        detail: 'abuse',
        at: '2030-01-08T09:00:00.000Z',
      },
    ]);
    expect(suppressionsFor(SesFeedback.parse(transient))).toEqual({
      suppress: [],
      ignored: [{ email: 'full@example.net', reason: 'Transient bounce (not suppressed)' }],
    });
  });
});
