import type { Context } from 'aws-lambda';
import { lambdaContext } from './handler-modules.ts';
import type { LocalLambda } from './stepfunctions/engine.ts';
import type { UsageMeter } from './usage-meter.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
export const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** The non-HTTP functions the local stack invokes (workflow tasks, scheduled jobs), as infra/ deploys them. */
const modules: Record<string, () => Promise<{ handler: Handler }>> = {
  'tierdesk-check-ticket-sla': () =>
    import('#functions/workflow/check-ticket-sla.ts') as Promise<{ handler: Handler }>,
  'tierdesk-park-ticket-workflow': () =>
    import('#functions/workflow/park-ticket-workflow.ts') as Promise<{ handler: Handler }>,
  'tierdesk-receive-email': () => import('#functions/mail/receive-email.ts') as Promise<{ handler: Handler }>,
  'tierdesk-handle-feedback': () =>
    import('#functions/mail/handle-feedback.ts') as Promise<{ handler: Handler }>,
  'tierdesk-sweep-outbound-mail': () =>
    import('#functions/mail/sweep-outbound-mail.ts') as Promise<{ handler: Handler }>,
  'tierdesk-reconcile-workflows': () =>
    import('#functions/workflow/reconcile-workflows.ts') as Promise<{ handler: Handler }>,
  'tierdesk-sweep-incident-reviews': () =>
    import('#functions/incidents/sweep-incident-reviews.ts') as Promise<{ handler: Handler }>,
  // Compliance: the purge state machine's tasks, the Scheduler's deadline target, the recurring sweep.
  'tierdesk-plan-retention-purge': () =>
    import('#functions/compliance/plan-retention-purge.ts') as Promise<{ handler: Handler }>,
  'tierdesk-run-retention-purge-batch': () =>
    import('#functions/compliance/run-retention-purge-batch.ts') as Promise<{ handler: Handler }>,
  'tierdesk-handle-compliance-deadline': () =>
    import('#functions/compliance/handle-compliance-deadline.ts') as Promise<{ handler: Handler }>,
  'tierdesk-sweep-compliance-deadlines': () =>
    import('#functions/compliance/sweep-compliance-deadlines.ts') as Promise<{ handler: Handler }>,
};

/** Function name → how many of its next invocations fail (fault injection for tests). */
export type LambdaFaults = Map<string, number>;

/** Invokes like Lambda does: the event and the result cross a JSON boundary. */
export function localLambdas(faults: LambdaFaults = new Map(), meter?: UsageMeter): LocalLambda[] {
  return Object.entries(modules).map(([name, load]) => ({
    arn: functionArn(name),
    async invoke(event: unknown) {
      const remaining = faults.get(name) ?? 0;
      if (remaining > 0) {
        faults.set(name, remaining - 1);
        throw Object.assign(new Error(`Injected failure of ${name}`), { name: 'InjectedFault' });
      }
      const { handler } = await load();
      const started = performance.now();
      const result = await handler(
        JSON.parse(JSON.stringify(event ?? null)),
        lambdaContext(name, { timeoutMs: 60_000, functionArn: functionArn(name) }),
      );
      meter?.add(`lambda:${name}`, performance.now() - started);
      return result === undefined ? null : JSON.parse(JSON.stringify(result));
    },
  }));
}

/**
 * Loads every function module once, as Lambda's init phase would. Loading them lazily while other
 * invocations are importing the same shared modules can stall the test runner's module loader.
 */
export async function loadLocalLambdas(): Promise<void> {
  for (const load of Object.values(modules)) await load();
}

export function invokeLocal(lambdas: LocalLambda[], name: string, event: unknown = {}) {
  const lambda = lambdas.find((l) => l.arn === functionArn(name));
  if (!lambda) throw new Error(`No local function ${name}`);
  return lambda.invoke(event);
}
