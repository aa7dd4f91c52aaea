import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as receiveEmail } from '#functions/mail/receive-email.ts';
import { MAIL_BUCKET } from '#local/mail/mail-stack.ts';
import { s3ActionNotification, snsEvent } from '#local/mail/ses-events.ts';
import { PutObjectCommand, type S3Client } from '#shared/runtime/aws/s3.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * Fuzz of the inbound-mail path with malformed MIME: real fixtures mutated (cut, bytes flipped,
 * boundaries broken, headers duplicated or garbled, NULs, bad encodings) and pure garbage, each
 * stored as SES's S3 action would and handed to the real handler. Properties: the handler never
 * throws, and every message ends as exactly one outcome (ticket, reply, ignored or rejected with
 * a reason). Fixed seed; `FUZZ_MIME_RUNS` raises the count.
 */
const RUNS = Number(process.env.FUZZ_MIME_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:tierdesk-inbound-mail';

let t: TestStack;
let s3: S3Client;
let unhandled = 0;
const onUnhandled = () => unhandled++;
const fixturesDir = new URL('../fixtures/mail/', import.meta.url);
const fixtures = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => readFileSync(new URL(f, fixturesDir)));

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  t = await startTestStack();
  s3 = t.stack.clients.s3;
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await t.stop();
});

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    text: fc.constantFrom(
      '\r\n--',
      '\u0000',
      '=?utf-8?B?!!!?=',
      '\r\n\r\n',
      'Content-Type: multipart/mixed; boundary=""\r\n',
      '=XX=',
      'Content-Transfer-Encoding: base64\r\n\r\n@@@@',
      '\r\nFrom: <>\r\n',
      'Subject: \udcff\r\n',
    ),
  }),
  fc.record({ kind: fc.constant('dupHeaders' as const), times: fc.integer({ min: 2, max: 200 }) }),
  fc.record({
    kind: fc.constant('garbage' as const),
    bytes: fc.uint8Array({ minLength: 0, maxLength: 3000 }),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(raw: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'cut':
      return raw.subarray(0, Math.floor(raw.length * m.at));
    case 'flip': {
      const copy = Buffer.from(raw);
      for (const at of m.at) if (copy.length) copy[Math.floor(at * (copy.length - 1))] = m.byte;
      return copy;
    }
    case 'insert': {
      const at = Math.floor(raw.length * m.at);
      return Buffer.concat([raw.subarray(0, at), Buffer.from(m.text), raw.subarray(at)]);
    }
    case 'dupHeaders': {
      const end = raw.indexOf('\r\n\r\n');
      const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 500) : end);
      return Buffer.concat([
        Buffer.concat(Array.from({ length: m.times }, () => Buffer.concat([head, Buffer.from('\r\n')]))),
        raw,
      ]);
    }
    case 'garbage':
      return Buffer.from(m.bytes);
  }
}

describe('MIME fuzzing through the inbound-mail handler', () => {
  it(`survives ${RUNS} malformed messages, recording one outcome for each`, async () => {
    let n = 0;
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: fixtures.length - 1 }), mutation, async (index, m) => {
        const raw = mutate(fixtures[index]!, m);
        const messageId = `fuzz${String(n++).padStart(6, '0')}${'0'.repeat(30)}`;
        const key = `inbound/techflow/${messageId}`;
        await s3.send(new PutObjectCommand({ Bucket: MAIL_BUCKET, Key: key, Body: raw }));
        const notification = s3ActionNotification({
          messageId,
          receivedAt: new Date('2031-06-02T15:00:00Z'),
          envelopeSender: 'fuzz@example.com',
          recipients: ['support@techflowsolutions.com'],
          destination: ['support@techflowsolutions.com'],
          headers: [],
          commonHeaders: { from: ['Fuzz <fuzz@example.com>'], subject: 'fuzz' },
          bucketName: MAIL_BUCKET,
          objectKeyPrefix: 'inbound/techflow/',
          topicArn: TOPIC,
          // A genuine (authenticated) sender, so malformed mail reaches the write path, not suspension.
          verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
        });
        const result = (await receiveEmail(snsEvent(TOPIC, notification))) as {
          results: Array<{ outcomes: Array<{ status: string; reason?: string }> }>;
        };
        const recordOutcomes = result.results[0]?.outcomes ?? [];
        expect(recordOutcomes).toHaveLength(1);
        const outcome = recordOutcomes[0]!;
        if (outcome.status === 'ignored' || outcome.status === 'rejected')
          expect(outcome.reason, JSON.stringify(outcome)).toBeTruthy();
        outcomes.set(outcome.status, (outcomes.get(outcome.status) ?? 0) + 1);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(unhandled).toBe(0);
    console.log('mime fuzz outcomes', Object.fromEntries(outcomes));
  }, 600_000);
});
