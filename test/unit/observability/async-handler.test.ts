import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { publicRoute } from '#shared/http/public-route.ts';
import { logger } from '#shared/observability/logger.ts';
import { asyncHandler } from '#shared/runtime/async-handler.ts';

const Input = z.object({ ticketId: z.string(), desk: z.string(), executionName: z.string() });
const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

let lines: Record<string, unknown>[];
beforeEach(() => {
  lines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

describe('asyncHandler', () => {
  it('gives every line of the invocation, domain code included, the correlation ids; redacted', async () => {
    const handler = asyncHandler('check-ticket-sla', Input, async (input, { log }) => {
      log.info('handler line', { requester: 'pat@example.com' });
      logger.warn('domain line', { note: 'mail pat@example.com' }); // the module logger, as domain code uses it
      return input.ticketId;
    });
    const result = await handler({ ticketId: 'T1', desk: 'acme', executionName: 'T1-2' }, context);
    expect(result).toBe('T1');
    const correlation = {
      function: 'check-ticket-sla',
      requestId: 'req-1',
      ticketId: 'T1',
      desk: 'acme',
      executionName: 'T1-2',
    };
    expect(lines).toEqual([
      expect.objectContaining({ ...correlation, message: 'handler line', requester: '[redacted]' }),
      expect.objectContaining({ ...correlation, message: 'domain line', note: 'mail [email]' }),
    ]);
    logger.info('after the invocation');
    expect(lines[2]).not.toHaveProperty('ticketId');
  });

  it('logs a bad event once (paths, not values) and throws it, so retries and the DLQ apply', async () => {
    const fn = vi.fn();
    const handler = asyncHandler('check-ticket-sla', Input, fn);
    await expect(handler({ ticketId: 'pat@example.com', desk: 7 }, context)).rejects.toBeInstanceOf(
      z.ZodError,
    );
    expect(fn).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'ERROR', message: 'invalid event', requestId: 'req-1' });
    expect(JSON.stringify(lines[0])).not.toContain('pat@example.com');
    expect(lines[0]!.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'desk' }),
        expect.objectContaining({ path: 'executionName' }),
      ]),
    );
  });

  it('logs a failure once, with its ids, and rethrows it', async () => {
    const failure = new Error('SES said no to pat@example.com');
    const handler = asyncHandler('check-ticket-sla', Input, async () => {
      throw failure;
    });
    await expect(handler({ ticketId: 'T1', desk: 'acme', executionName: 'T1-2' }, context)).rejects.toBe(
      failure,
    );
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'function failed',
        ticketId: 'T1',
        error: { name: 'Error', message: 'SES said no to [email]' },
      }),
    ]);
  });

  it('HTTP routes put their request id and route on the lines logged while they run', async () => {
    const route = publicRoute('public-read', async () => {
      logger.info('domain line');
      return { statusCode: 204 };
    });
    const event = { routeKey: 'GET /status/{desk}', requestContext: { requestId: 'api-req-1' } };
    await route(event as never, context);
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'domain line',
        requestId: 'api-req-1',
        routeKey: 'GET /status/{desk}',
      }),
    ]);
  });
});
