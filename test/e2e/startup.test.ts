import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#local/stack.ts';

/** A port that was free a moment ago (the stack must be told its ports before it opens them). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

type Outcome = 'refused' | 'answered' | 'no-answer';

/** One GET; 'refused' while the port is closed, 'no-answer' if nothing comes back in `waitMs`. */
function httpPoll(port: number, waitMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let connected = false;
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      resolve('answered');
    });
    req.on('socket', (socket) => socket.on('connect', () => (connected = true)));
    req.setTimeout(waitMs, () => {
      resolve('no-answer');
      req.destroy();
    });
    req.on('error', () => resolve(connected ? 'answered' : 'refused'));
    req.end();
  });
}

/** SMTP answers with its greeting; a NOOP must get a reply too. */
function smtpPoll(port: number, waitMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let connected = false;
    let text = '';
    let greeted = false;
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      resolve('no-answer');
      socket.destroy();
    }, waitMs);
    const done = (outcome: Outcome) => {
      clearTimeout(timer);
      resolve(outcome);
      socket.destroy();
    };
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (!greeted && /^220 /m.test(text)) {
        greeted = true;
        socket.write('NOOP\r\n');
      } else if (/^250 /m.test(text)) done('answered');
    });
    socket.on('error', () => done(connected ? 'answered' : 'refused'));
  });
}

describe('start-up', () => {
  it('answers every request that reaches any of its servers while the stack is starting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tierdesk-startup-'));
    const ports = {
      api: await freePort(),
      dynamodb: await freePort(),
      s3: await freePort(),
      stepfunctions: await freePort(),
      ses: await freePort(),
      scheduler: await freePort(),
      smtp: await freePort(),
    };
    // An answer can take long while the stack starts on a busy machine; none at all is the bug.
    const waitMs = 20_000;
    let stopPolling = false;
    const polls: Array<Promise<{ server: string; outcome: Outcome }>> = [];
    const pollers = Object.entries(ports).map(async ([server, port]) => {
      while (!stopPolling) {
        const poll = (server === 'smtp' ? smtpPoll : httpPoll)(port, waitMs).then((outcome) => ({
          server,
          outcome,
        }));
        polls.push(poll);
        // Refused: retry every few ms. Connected: one request at a time per server, polled again at once.
        const { outcome } = await Promise.race([
          poll,
          new Promise<{ outcome: Outcome }>((r) => setTimeout(() => r({ outcome: 'refused' }), 5)),
        ]);
        if (outcome === 'refused') await new Promise((r) => setTimeout(r, 3));
      }
    });

    let stack: LocalStack | undefined;
    try {
      stack = await startLocalStack({
        dataDir,
        apiPort: ports.api,
        dynamoPort: ports.dynamodb,
        s3Port: ports.s3,
        sfnPort: ports.stepfunctions,
        sesPort: ports.ses,
        schedulerPort: ports.scheduler,
        smtpPort: ports.smtp,
      });
      await new Promise((r) => setTimeout(r, 100));
      stopPolling = true;
      await Promise.all(pollers);
      const outcomes = await Promise.all(polls);
      const connected = outcomes.filter((o) => o.outcome !== 'refused');
      expect(connected.filter((o) => o.outcome === 'no-answer')).toEqual([]);
      // Every server was reached, while the stack was starting or just after.
      expect(new Set(connected.map((o) => o.server))).toEqual(new Set(Object.keys(ports)));
    } finally {
      stopPolling = true;
      await stack?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
