import { complianceRecords } from '#shared/runtime/compliance-deps.ts';
import type { LocalLambda, LocalStepFunctions } from './stepfunctions/engine.ts';

/** Invokes a local function by ARN, as Scheduler and EventBridge deliver to a Lambda target. */
export function invokeByArn(lambdas: LocalLambda[], arn: string, event: unknown) {
  const lambda = lambdas.find((l) => l.arn === arn);
  if (!lambda) return Promise.reject(new Error(`No local function ${arn}`));
  return lambda.invoke(event);
}

/**
 * Starts an execution of a local state machine, as an EventBridge rule target does, and waits for it
 * to end (the job endpoints and `npm run job` report its outcome).
 */
export async function runExecution(
  engine: LocalStepFunctions,
  stateMachineArn: string,
  input: unknown,
  prefix: string,
) {
  const name = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const started = engine.startExecution(stateMachineArn, name, JSON.stringify(input));
  for (;;) {
    const record = engine.describeExecution(started.executionArn);
    if (record.status !== 'RUNNING') {
      return {
        executionArn: record.executionArn,
        status: record.status,
        ...(record.output ? { output: JSON.parse(record.output) as unknown } : {}),
        ...(record.error ? { error: record.error, cause: record.cause } : {}),
      };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The compliance notices waiting for the mail sender, per desk, with one-time codes: the local
 * stand-in for the mailbox a requester reads (AWS sends these by email).
 */
export async function pendingComplianceNotices(desks: string[]) {
  const records = complianceRecords();
  const items = [];
  for (const desk of desks) {
    for (const { kind, id } of await records.listWithPendingNotices(desk, 100)) {
      const record = await records.get(kind, desk, id);
      for (const notice of record?.notices ?? []) {
        if (notice.status === 'pending') items.push({ desk, subject: { kind, id }, ...notice });
      }
    }
  }
  return { items: items.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
}
