import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '#shared/observability/logger.ts';
import { passedGate } from '../startup-gate.ts';
import { type ExecutionRecord, type ExecutionStatus, type LocalStepFunctions, SfnError } from './engine.ts';
import type { HistoryEvent } from './history.ts';

/**
 * The Step Functions API (AWS JSON 1.0 protocol) in front of the local engine, so
 * @aws-sdk/client-sfn and `aws stepfunctions --endpoint-url` work unchanged.
 */
export interface FaultInjection {
  /** Operation name → how many of the next calls fail, and how. */
  failNext: Map<string, { remaining: number; kind: 'throttle' | 'drop' }>;
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function describe(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: seconds(record.startDate),
    stopDate: seconds(record.stopDate),
    input: record.input,
    inputDetails: { included: true },
    output: record.output,
    outputDetails: record.output === undefined ? undefined : { included: true },
    error: record.error,
    cause: record.cause,
  };
}

function page<T>(items: T[], maxResults: unknown, nextToken: unknown) {
  const size = typeof maxResults === 'number' && maxResults > 0 ? Math.min(maxResults, 1000) : 100;
  const start = typeof nextToken === 'string' ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new SfnError('InvalidToken', 'Invalid pagination token');
  const slice = items.slice(start, start + size);
  const next =
    start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { slice, next };
}

function historyEvent(event: HistoryEvent, includeData: boolean) {
  const out: Record<string, unknown> = { ...event, timestamp: seconds(event.timestamp) };
  if (!includeData) {
    for (const value of Object.values(out)) {
      if (value && typeof value === 'object') {
        const details = value as Record<string, unknown>;
        for (const key of ['input', 'output', 'parameters']) delete details[key];
      }
    }
  }
  return out;
}

export function sfnOperations(engine: LocalStepFunctions) {
  const text = (v: unknown, field: string) => {
    if (typeof v !== 'string' || !v) throw new SfnError('ValidationException', `${field} is required`);
    return v;
  };
  return {
    ListStateMachines: () => ({
      stateMachines: engine.listStateMachines().map((m) => ({
        stateMachineArn: m.stateMachineArn,
        name: m.name,
        type: 'STANDARD',
        creationDate: seconds(m.creationDate),
      })),
    }),
    DescribeStateMachine: (b: Record<string, unknown>) => {
      const m = engine.describeStateMachine(text(b.stateMachineArn, 'stateMachineArn'));
      return {
        stateMachineArn: m.stateMachineArn,
        name: m.name,
        status: 'ACTIVE',
        definition: m.definition,
        roleArn: m.roleArn,
        type: 'STANDARD',
        creationDate: seconds(m.creationDate),
      };
    },
    StartExecution: (b: Record<string, unknown>) => {
      const r = engine.startExecution(
        text(b.stateMachineArn, 'stateMachineArn'),
        b.name as string | undefined,
        (b.input as string | undefined) ?? '{}',
      );
      return { executionArn: r.executionArn, startDate: seconds(r.startDate) };
    },
    DescribeExecution: (b: Record<string, unknown>) =>
      describe(engine.describeExecution(text(b.executionArn, 'executionArn'))),
    ListExecutions: (b: Record<string, unknown>) => {
      const all = engine.listExecutions(
        text(b.stateMachineArn, 'stateMachineArn'),
        b.statusFilter as ExecutionStatus | undefined,
      );
      const { slice, next } = page(all, b.maxResults, b.nextToken);
      return {
        executions: slice.map((r) => ({
          executionArn: r.executionArn,
          stateMachineArn: r.stateMachineArn,
          name: r.name,
          status: r.status,
          startDate: seconds(r.startDate),
          stopDate: seconds(r.stopDate),
        })),
        nextToken: next,
      };
    },
    GetExecutionHistory: (b: Record<string, unknown>) => {
      let history = [...engine.getExecutionHistory(text(b.executionArn, 'executionArn'))];
      if (b.reverseOrder === true) history = history.reverse();
      const { slice, next } = page(history, b.maxResults, b.nextToken);
      return { events: slice.map((e) => historyEvent(e, b.includeExecutionData !== false)), nextToken: next };
    },
    StopExecution: (b: Record<string, unknown>) => ({
      stopDate: seconds(
        engine.stopExecution(
          text(b.executionArn, 'executionArn'),
          b.error as string | undefined,
          b.cause as string | undefined,
        ),
      ),
    }),
    SendTaskSuccess: (b: Record<string, unknown>) => {
      engine.sendTaskSuccess(text(b.taskToken, 'taskToken'), text(b.output, 'output'));
      return {};
    },
    SendTaskFailure: (b: Record<string, unknown>) => {
      engine.sendTaskFailure(
        text(b.taskToken, 'taskToken'),
        b.error as string | undefined,
        b.cause as string | undefined,
      );
      return {};
    },
    SendTaskHeartbeat: (b: Record<string, unknown>) => {
      engine.sendTaskHeartbeat(text(b.taskToken, 'taskToken'));
      return {};
    },
  } as Record<string, (body: Record<string, unknown>) => unknown>;
}

export async function startSfnEndpoint(
  engine: LocalStepFunctions,
  options: {
    port: number;
    faults: FaultInjection;
    /** Requests wait for the stack's start-up (executions run handlers that need its environment). */
    ready: Promise<void>;
  },
) {
  const { port, faults } = options;
  const operations = sfnOperations(engine);
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (!(await passedGate(options.ready, res))) return;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string) =>
      reply(status, { __type: code, message }, { 'x-amzn-errortype': code });
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AWSStepFunctions.')
        ? target.slice('AWSStepFunctions.'.length)
        : '';
      const handler = operations[operation];
      if (req.method !== 'POST' || !handler)
        return fail(400, 'UnknownOperationException', `Unsupported operation ${target || '(none)'}`);
      const fault = faults.failNext.get(operation);
      if (fault && fault.remaining > 0) {
        fault.remaining--;
        if (fault.kind === 'drop') {
          req.socket.destroy();
          return;
        }
        return fail(400, 'ThrottlingException', 'Rate exceeded');
      }
      const body = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
        : {};
      reply(200, handler(body) ?? {});
    } catch (error) {
      if (error instanceof SfnError) return fail(400, error.code, error.message);
      if (error instanceof SyntaxError) return fail(400, 'SerializationException', 'Malformed JSON');
      logger.error('local Step Functions endpoint error', { error });
      fail(500, 'InternalFailure', String(error));
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
