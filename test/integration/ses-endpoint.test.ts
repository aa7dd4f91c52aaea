import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSesEndpoint } from '#local/mail/ses-endpoint.ts';
import { composeMail } from '#shared/notices/compose.ts';
import { PermanentSendError, sesMailSender } from '#shared/notices/sender.ts';
import { type SESClient, SendRawEmailCommand, sesQueryClient } from '#shared/runtime/aws/ses.ts';

/** The real @aws-sdk/client-ses (query protocol) against the local SES endpoint. */
let dir: string;
let ses: Awaited<ReturnType<typeof startSesEndpoint>>;
let client: SESClient;
const feedback: unknown[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tierdesk-ses-'));
  ses = await startSesEndpoint({
    dir,
    port: 0,
    clock: { now: () => new Date('2031-03-03T15:00:00Z') },
    region: 'eu-west-1',
    ready: Promise.resolve(),
    onFeedback: async (n) => {
      feedback.push(n);
    },
  });
  client = sesQueryClient({
    endpoint: ses.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
});
afterAll(async () => {
  client.destroy();
  await ses.close();
  rmSync(dir, { recursive: true, force: true });
});

const mail = (to: string, from = 'support@techflowsolutions.com') =>
  composeMail({
    from: { name: 'TechFlow Support', address: from },
    to: [to],
    replyTo: from,
    subject: 'Hello [#01JH0000000000000000000000]',
    text: 'Hi',
    html: '<p>Hi</p>',
    messageId: '<t.01JH0000000000000000000000.1@techflowsolutions.com>',
    actionId: 'reply:1',
    inReplyTo: '<root@example.com>',
    references: ['<root@example.com>'],
    date: new Date('2020-01-01T00:00:00Z'),
    language: 'en',
    autoSubmitted: undefined,
    ticketId: '01JH0000000000000000000000',
  });

describe('local SES endpoint', () => {
  it('accepts SendRawEmail from the SDK, replaces Message-ID and Date as SES does, keeps threading headers', async () => {
    const sent = await sesMailSender(client).send({
      from: 'support@techflowsolutions.com',
      to: ['pat@example.com'],
      raw: await mail('pat@example.com'),
    });
    expect(sent.messageIdHeader).toBe(`<${sent.providerMessageId}@eu-west-1.amazonses.com>`);
    const [out] = await ses.outbox();
    expect(out).toMatchObject({
      messageId: sent.providerMessageId,
      from: 'support@techflowsolutions.com',
      to: ['pat@example.com'],
      sentAt: '2031-03-03T15:00:00.000Z',
    });
    expect(out!.headers['message-id']).toBe(sent.messageIdHeader);
    expect(out!.headers['in-reply-to']).toBe('<root@example.com>');
    expect(out!.headers.date).toBe('Mon, 03 Mar 2031 15:00:00 +0000');
    expect(out!.text.trim()).toBe('Hi');
  });

  it('takes the source and recipients from the headers when the request leaves them out, and decodes the body for the outbox', async () => {
    const { MessageId } = await client.send(
      new SendRawEmailCommand({ RawMessage: { Data: await mail('kim@example.org') } }),
    );
    const out = (await ses.outbox()).find((m) => m.messageId === MessageId);
    expect(out).toMatchObject({
      from: 'support@techflowsolutions.com',
      to: ['kim@example.org'],
      subject: 'Hello [#01JH0000000000000000000000]',
      html: '<p>Hi</p>',
    });
    expect(out!.text.trim()).toBe('Hi');
  });

  it('refuses an unverified source with MessageRejected, a permanent error for the sender', async () => {
    await expect(
      sesMailSender(client).send({
        from: 'someone@unverified.example',
        to: ['pat@example.com'],
        raw: await mail('pat@example.com', 'someone@unverified.example'),
      }),
    ).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('answers the mailbox simulator with a bounce notification', async () => {
    await sesMailSender(client).send({
      from: 'support@techflowsolutions.com',
      to: ['bounce@simulator.amazonses.com'],
      raw: await mail('bounce@simulator.amazonses.com'),
    });
    expect(feedback).toEqual([
      expect.objectContaining({
        notificationType: 'Bounce',
        bounce: expect.objectContaining({ bounceType: 'Permanent' }),
      }),
    ]);
  });

  it('reads mails decoded earlier and since evicted the same (the decoded cache is bounded)', async () => {
    const boundedDir = mkdtempSync(join(tmpdir(), 'tierdesk-ses-bounded-'));
    const bounded = await startSesEndpoint({
      dir: boundedDir,
      port: 0,
      clock: { now: () => new Date('2031-03-05T09:00:00Z') },
      region: 'eu-west-1',
      ready: Promise.resolve(),
      keepDecoded: 1,
    });
    const sdk = sesQueryClient({
      endpoint: bounded.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    try {
      for (const to of ['a@example.org', 'b@example.org', 'c@example.org'])
        await sdk.send(new SendRawEmailCommand({ RawMessage: { Data: await mail(to) } }));
      const read = async () =>
        (await bounded.outbox()).map((m) => ({ to: m.to, subject: m.subject, text: m.text.trim() }));
      const first = await read();
      expect(first.map((m) => m.to)).toEqual([['a@example.org'], ['b@example.org'], ['c@example.org']]);
      expect(new Set(first.map((m) => `${m.subject}|${m.text}`))).toEqual(
        new Set(['Hello [#01JH0000000000000000000000]|Hi']),
      );
      expect(await read()).toEqual(first);
    } finally {
      sdk.destroy();
      await bounded.close();
      rmSync(boundedDir, { recursive: true, force: true });
    }
  });

  it('keeps the outbox across a crash: a torn last line is cut, mails of an earlier file-per-mail outbox still listed', async () => {
    const crashDir = mkdtempSync(join(tmpdir(), 'tierdesk-ses-crash-'));
    // An endpoint on the crash directory and the SDK sending one mail to `to` through it.
    const started: Array<{ close(): Promise<void> }> = [];
    const endpoint = async () => {
      const ses = await startSesEndpoint({
        dir: crashDir,
        port: 0,
        clock: { now: () => new Date('2031-03-04T09:00:00Z') },
        region: 'eu-west-1',
        ready: Promise.resolve(),
      });
      const sdk = sesQueryClient({
        endpoint: ses.url,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      });
      started.push({
        close: async () => {
          sdk.destroy();
          await ses.close();
        },
      });
      const send = async (to: string) =>
        (
          await sesMailSender(sdk).send({
            from: 'support@techflowsolutions.com',
            to: [to],
            raw: await mail(to),
          })
        ).providerMessageId;
      return { ses, send };
    };
    try {
      const first = await endpoint();
      const before = await first.send('a@example.com');
      await first.ses.close();
      // What kill -9 leaves during an append, and a mail written by an earlier version (a file of its own).
      appendFileSync(join(crashDir, 'sent.jsonl'), '{"messageId":"torn","sentAt":"2031-03-04T09:');
      const earlier = {
        messageId: 'earlier',
        sentAt: '2031-03-01T00:00:00.000Z',
        from: 'support@techflowsolutions.com',
        to: ['e@example.com'],
        subject: 'Earlier',
        text: 'e',
        headers: {},
        raw: '',
      };
      writeFileSync(join(crashDir, '2031-03-01T00-00-00-000Z-earlier.json'), JSON.stringify(earlier));

      const second = await endpoint();
      const after = await second.send('b@example.com');
      expect((await second.ses.outbox()).map((m) => m.messageId)).toEqual(['earlier', before, after]);
      for (const line of readFileSync(join(crashDir, 'sent.jsonl'), 'utf8').split('\n').filter(Boolean))
        expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      for (const one of started) await one.close().catch(() => {});
      rmSync(crashDir, { recursive: true, force: true });
    }
  });
});
