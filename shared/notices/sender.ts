import { type SESClient, SendRawEmailCommand } from '../runtime/aws/ses.ts';

/** Sends one raw MIME message. The port the deliverer uses; SES is the adapter (locally too). */
export interface MailSender {
  send(mail: { from: string; to: string[]; raw: Buffer }): Promise<SentMail>;
}

export interface SentMail {
  providerMessageId: string;
  /** The Message-ID header recipients see: SES replaces ours with `<id@<region>.amazonses.com>`. */
  messageIdHeader: string;
}

export class PermanentSendError extends Error {
  override readonly name = 'PermanentSendError';
}

/** SES error codes a retry cannot fix (the message or the account must change first). */
const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
  'InvalidParameterValue',
]);

/** SES's Message-ID domain: `email.amazonses.com` in us-east-1, `<region>.amazonses.com` elsewhere. */
export function sesMessageIdHeader(messageId: string, region: string): string {
  return `<${messageId}@${region === 'us-east-1' ? 'email' : region}.amazonses.com>`;
}

export function sesMailSender(ses: SESClient): MailSender {
  return {
    async send(mail) {
      try {
        const result = await ses.send(
          new SendRawEmailCommand({
            Source: mail.from,
            Destinations: mail.to,
            RawMessage: { Data: mail.raw },
          }),
        );
        if (!result.MessageId) throw new Error('SES returned no MessageId');
        return {
          providerMessageId: result.MessageId,
          messageIdHeader: sesMessageIdHeader(result.MessageId, await ses.config.region()),
        };
      } catch (error) {
        const name = (error as Error).name;
        if (PERMANENT.has(name)) throw new PermanentSendError(`${name}: ${(error as Error).message}`);
        throw error;
      }
    },
  };
}
