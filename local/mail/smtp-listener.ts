import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { deskForDomain } from '#shared/mail/addresses.ts';
import { inboundPrefix } from '#shared/mail/desk-mail.ts';
import { logger } from '#shared/observability/logger.ts';
import { PutObjectCommand, type S3Client } from '#shared/runtime/aws/s3.ts';
import type { Clock } from '#shared/time/clock.ts';
import { localSenderVerdicts } from './sender-verdicts.ts';
import { s3ActionNotification, sesMessageId, snsEvent } from './ses-events.ts';

/** SES receiving's own limit for the S3 action. */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export interface SmtpListenerOptions {
  port: number;
  s3: S3Client;
  bucket: string;
  clock: Clock;
  /** Mail is received only once the stack has started (the handler needs its environment). */
  ready: Promise<void>;
  topicArn: string;
  /** Invokes the inbound function with an SNS event, as the topic subscription does on AWS. */
  invoke: (event: unknown) => Promise<unknown>;
  /** Domains whose mail counts as sent by their authorised servers (SPF/DKIM/DMARC verdicts). */
  authenticatedDomains: readonly string[];
}

/**
 * Plays SES receiving for the local stack: accepts mail for the desks' domains on 127.0.0.1 (and
 * refuses other recipients at RCPT, as SES does without a matching rule), stores the raw message in
 * the local object store under `inbound/<desk>/<message id>` exactly like the receipt rule's S3
 * action, then invokes the same handler with the S3 action's notification in an SNS event. One
 * object and one notification per desk, as one receipt rule per desk produces. A failing handler is
 * retried twice (Lambda's async retries). If it still fails, the sender gets `451 4.3.0` and sends
 * again later: on AWS the failed event waits in the function's dead-letter queue for a redrive;
 * here nothing else would process the message again, so a `250` would lose it. The handler drops
 * a redelivery it already processed, so a resend after a partial success is harmless.
 */
export async function startSmtpListener(options: SmtpListenerOptions) {
  const server = new SMTPServer({
    name: 'inbound-smtp.local.tierdesk',
    banner: 'tierdesk local SES receiving',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onRcptTo(
      address: SMTPServerAddress,
      _session: SMTPServerSession,
      callback: (error?: Error | null) => void,
    ) {
      if (deskForDomain(address.address)) return callback();
      const error = Object.assign(
        new Error(`Recipient address rejected: no desk receives mail for ${address.address}`),
        {
          responseCode: 550,
        },
      );
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(Object.assign(new Error('Message size exceeds the 40 MB limit'), { responseCode: 552 }));
          return;
        }
        options.ready
          .then(() => receive(Buffer.concat(chunks), session))
          .then(
            (ids) => callback(null, `Ok: queued as ${ids.join(', ')}`),
            (error) => {
              // The reason stays in our log; the sender only learns to try again later.
              logger.error('local SES receiving: message not processed, answered 451', { error });
              callback(
                Object.assign(
                  new Error('4.3.0 Temporary failure processing the message; please try again later'),
                  { responseCode: 451 },
                ),
              );
            },
          );
      });
    },
  });

  async function receive(received: Buffer, session: SMTPServerSession): Promise<string[]> {
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    const mailFrom = session.envelope.mailFrom;
    const envelopeSender = mailFrom ? mailFrom.address : '';
    const first = await simpleParser(received, { skipHtmlToText: true, skipTextToHtml: true });
    const sender = localSenderVerdicts({
      authenticatedDomains: options.authenticatedDomains,
      envelopeSender,
      from: first.from?.value[0]?.address,
      hasDkimSignature: first.headers.has('dkim-signature'),
    });
    // The sender's server signs before the mail leaves it: the stored mail carries its signature.
    const raw = sender.dkimSignature
      ? Buffer.concat([Buffer.from(`DKIM-Signature: ${sender.dkimSignature.value}\r\n`), received])
      : received;
    const parsed = await simpleParser(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
    });
    const headers = (parsed.headerLines ?? []).map(({ key, line }) => ({
      name: line.slice(0, line.indexOf(':')) || key,
      value: line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    }));
    const addressList = (a: typeof parsed.to) =>
      (a ? (Array.isArray(a) ? a : [a]) : []).flatMap((o) =>
        o.value.map((v) => (v.name ? `${v.name} <${v.address}>` : (v.address ?? ''))),
      );
    const commonHeaders = {
      returnPath: envelopeSender,
      from: addressList(parsed.from),
      date: parsed.date?.toUTCString(),
      to: addressList(parsed.to),
      messageId: parsed.messageId,
      subject: parsed.subject,
    };
    const byDesk = new Map<string, string[]>();
    for (const r of recipients) {
      const desk = deskForDomain(r)!.desk;
      byDesk.set(desk, [...(byDesk.get(desk) ?? []), r]);
    }
    const ids: string[] = [];
    for (const [desk, deskRecipients] of byDesk) {
      const messageId = sesMessageId();
      const prefix = inboundPrefix(desk);
      await options.s3.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: `${prefix}${messageId}`,
          Body: raw,
          ContentType: 'message/rfc822',
        }),
      );
      const notification = s3ActionNotification({
        messageId,
        receivedAt: options.clock.now(),
        envelopeSender,
        recipients: deskRecipients,
        destination: recipients,
        headers,
        commonHeaders,
        bucketName: options.bucket,
        objectKeyPrefix: prefix,
        topicArn: options.topicArn,
        verdicts: { spf: sender.spf, dkim: sender.dkim, dmarc: sender.dmarc },
        ...(sender.dmarcPolicy ? { dmarcPolicy: sender.dmarcPolicy } : {}),
      });
      const event = snsEvent(options.topicArn, notification, 'Amazon SES Email Receipt Notification');
      let lastError: unknown;
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await options.invoke(event);
          lastError = undefined;
          break;
        } catch (error) {
          lastError = error;
          // Lambda retries a failed asynchronous invocation twice, after a pause (about 1 and 2 minutes on
          // AWS; 1 and 2 seconds here), which rides out a short outage such as a DynamoDB restart.
          if (attempt < 3) await new Promise((r) => setTimeout(r, attempt * 1000));
        }
      }
      if (lastError)
        throw new Error(`the inbound function failed 3 times for desk ${desk}`, { cause: lastError });
      ids.push(messageId);
    }
    return ids;
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => ok());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
