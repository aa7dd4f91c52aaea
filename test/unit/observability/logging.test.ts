import { describe, expect, it } from 'vitest';
import { createLogger } from '#shared/observability/logger.ts';
import {
  ALARMED_METRICS,
  captureMetrics,
  emitMetric,
  METRIC_NAMES,
  metricLine,
  metricsModeOf,
  publishedMetrics,
} from '#shared/observability/metrics.ts';
import { REDACTED, redact } from '#shared/observability/redact.ts';

describe('log redaction', () => {
  it('removes personal data and secrets, keeps correlation ids', () => {
    const lines: string[] = [];
    const log = createLogger(
      { service: 'test' },
      { write: (l) => lines.push(l), now: () => new Date('2030-01-01T00:00:00Z') },
    );
    log
      .child({ ticketId: '01J000', executionArn: 'arn:aws:states:x:1:execution:sm:01J000' })
      .info('ticket created', {
        requester: { email: 'pat@example.com', name: 'Pat Doe' },
        subject: 'My card 4111 1111 1111 1111 was charged twice',
        description: 'Call me on +1 (555) 010-9999',
        authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
        note: 'customer pat@example.com wrote from 555-010-9999, token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
        priority: 'urgent',
      });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({
      level: 'INFO',
      message: 'ticket created',
      ticketId: '01J000',
      executionArn: 'arn:aws:states:x:1:execution:sm:01J000',
      requester: REDACTED,
      subject: REDACTED,
      description: REDACTED,
      authorization: REDACTED,
      priority: 'urgent',
      note: 'customer [email] wrote from [phone], token [jwt]',
    });
    for (const secret of ['pat@example.com', 'Pat Doe', '4111', '555', 'eyJ'])
      expect(lines[0]).not.toContain(secret);
  });

  it('redacts inside arrays, errors and camel-cased keys', () => {
    const out = redact({
      items: [{ requesterEmail: 'a@b.co' }],
      error: new Error('mail to a@b.co failed'),
      taskToken: 'abc',
    }) as Record<string, unknown>;
    expect(out).toEqual({
      items: [{ requesterEmail: REDACTED }],
      error: { name: 'Error', message: 'mail to [email] failed' },
      taskToken: REDACTED,
    });
  });

  it('keeps timestamps and dates readable', () => {
    expect(
      redact({ at: '2030-07-02T14:00:00.000Z', note: 'due 2030-07-02T14:00:00.000Z, call +44 20 7946 0958' }),
    ).toEqual({
      at: '2030-07-02T14:00:00.000Z',
      note: 'due 2030-07-02T14:00:00.000Z, call [phone]',
    });
  });

  it('respects the log level', () => {
    const lines: string[] = [];
    const log = createLogger({}, { level: 'WARN', write: (l) => lines.push(l) });
    log.info('quiet');
    log.warn('loud');
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(['loud']);
  });
});

describe('EMF metrics', () => {
  it('writes nothing for a zero count, and a line naming the desk otherwise', () => {
    const lines: string[] = [];
    const restore = captureMetrics((l) => lines.push(l));
    emitMetric('NoticesFailed', 2, 'techflow');
    emitMetric('SlaWarnings', 0, 'techflow');
    restore();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ desk: 'techflow', NoticesFailed: 2 });
  });

  it('per-desk: every metric with the desk dimension', () => {
    const line = JSON.parse(metricLine('SlaBreaches', 2, 'techflow', new Date(0), 'per-desk'));
    expect(line._aws).toEqual({
      Timestamp: 0,
      CloudWatchMetrics: [
        { Namespace: 'tierdesk', Dimensions: [['desk']], Metrics: [{ Name: 'SlaBreaches', Unit: 'Count' }] },
      ],
    });
    expect(line).toMatchObject({ desk: 'techflow', SlaBreaches: 2 });
  });

  it('all: every metric once for the deployment (no dimension), the desk still in the line', () => {
    const line = JSON.parse(metricLine('TicketsAccepted', 1, 'acentus', new Date(0), 'all'));
    expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
    expect(line).toMatchObject({ desk: 'acentus', TicketsAccepted: 1 });
  });

  it('alarmed (the default): only what an alarm reads is a CloudWatch metric; the rest is a plain log line', () => {
    expect(metricsModeOf(undefined)).toBe('alarmed');
    const alarmed = JSON.parse(metricLine('NoticesFailed', 1, 'acentus', new Date(0), 'alarmed'));
    expect(alarmed._aws.CloudWatchMetrics[0]).toMatchObject({
      Dimensions: [[]],
      Metrics: [{ Name: 'NoticesFailed', Unit: 'Count' }],
    });
    const logged = JSON.parse(metricLine('ReconcileBacklog', 3, 'acentus', new Date(0), 'alarmed'));
    expect(logged._aws).toBeUndefined();
    expect(logged).toMatchObject({ metric: 'ReconcileBacklog', desk: 'acentus', ReconcileBacklog: 3 });
    expect(publishedMetrics('alarmed')).toEqual(ALARMED_METRICS);
    expect(publishedMetrics('all')).toEqual(METRIC_NAMES);
  });

  it('refuses an unknown METRICS value', () => {
    expect(() => metricsModeOf('everything')).toThrow(/METRICS must be one of alarmed, all, per-desk/);
  });
});

describe('log redaction keeps the ids ops correlate by', () => {
  const ticketId = '01JH6Z4N8Q2W3E5R7T9Y1U3I5O'.replace(/[IO]/g, 'K');
  const digitTicketId = '01J2024061512345678PAGING'.slice(0, 26);
  const executionName = `${ticketId}-v3-20300301T120000`;
  const executionArn = `arn:aws:states:us-east-1:123456789012:execution:tierdesk-prod-ticket-sla:${ticketId}`;

  it('leaves ticket, desk, execution, message and request ids readable', () => {
    const fields = {
      ticketId,
      digitTicketId,
      desk: 'techflow',
      executionName,
      executionArn,
      stateMachineName: 'tierdesk-prod-ticket-sla',
      queueName: 'tierdesk-prod-mail-dlq',
      messageId: `<${ticketId}.01JH6Z4N8Q2W3E5R7T9Y1U3ZZZ@techflowsolutions.com>`,
      requestId: 'c0a8012e-4b5f-4c2a-9d1e-5f6a7b8c9d0e',
      accountId: '123456789012',
      note: `ticket ${digitTicketId} woke execution ${executionArn}`,
    };
    const out = redact(fields) as Record<string, string>;
    for (const key of Object.keys(fields) as Array<keyof typeof fields>) {
      if (key === 'messageId' || key === 'accountId') continue;
      expect(out[key], key).toBe(fields[key]);
    }
    // A Message-ID looks like an address; its id part stays readable in the masked form.
    expect(out.requestId).toBe(fields.requestId);
  });

  it('still masks names in name fields, addresses and real phone numbers', () => {
    const out = redact({
      name: 'Pat Doe',
      requesterName: 'Pat Doe',
      firstName: 'Pat',
      displayName: 'Pat D.',
      address: '1250 Meridian Ave, Suite 400',
      note: 'call 1-800-356-9832 or +1 (555) 010-9999 or 020 7946 0958, mail pat.doe@example.co.uk',
    });
    expect(out).toEqual({
      name: REDACTED,
      requesterName: REDACTED,
      firstName: REDACTED,
      displayName: REDACTED,
      address: REDACTED,
      note: 'call [phone] or [phone] or [phone], mail [email]',
    });
  });

  it('keeps the class of a logged error readable (its name is not a person’s)', () => {
    const out = redact({
      message: 'unhandled error',
      error: {
        name: 'ConditionalCheckFailedException',
        message: 'mail pat@example.com failed',
        stack: 'at x',
      },
      requester: { name: 'Pat Doe' },
    });
    expect(out).toEqual({
      message: 'unhandled error',
      error: { name: 'ConditionalCheckFailedException', message: 'mail [email] failed', stack: 'at x' },
      requester: REDACTED,
    });
    expect(redact({ cause: { name: 'TimeoutError' }, owner: { name: 'Pat' } })).toEqual({
      cause: { name: 'TimeoutError' },
      owner: { name: REDACTED },
    });
  });
});
