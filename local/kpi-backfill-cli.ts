import { parseArgs } from 'node:util';
import { backfillKpiRollups } from '#shared/kpis/backfill.ts';
import { kpiRecorder } from '#shared/kpis/recorder.ts';
import { PACK_IDS } from '#shared/policy/packs.ts';
import { awsClients } from '#shared/runtime/aws-clients.ts';
import { dynamoKpiBackfillSource } from '#shared/store/kpi-backfill-source.ts';
import { dynamoKpiRollupStore } from '#shared/store/kpi-rollup-store.ts';

/**
 * `npm run kpi-backfill -- --table <table> [--desk techflow ...] [--endpoint URL] [--resume <kind>:<cursor>] [--now ISO]`
 * writes the KPI roll-ups of the tickets and survey answers that existed before the roll-ups did.
 * Against AWS it uses the shell's credentials (`AWS_PROFILE`, `AWS_REGION`); against the local stack,
 * `--endpoint http://127.0.0.1:$DYNAMODB_PORT --table tierdesk-local`. Idempotent: run it again, or
 * resume with the cursor it prints after each page, as often as needed.
 */
const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    desk: { type: 'string', multiple: true },
    endpoint: { type: 'string' },
    resume: { type: 'string' },
    /** The instant open SLA clocks are judged at (the local stack's virtual clock: `curl $API/_local/clock`). */
    now: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || !values.table) {
  console.error(
    'usage: npm run kpi-backfill -- --table <table> [--desk <desk> ...] [--endpoint URL] [--resume tickets:<cursor>]',
  );
  process.exit(values.help ? 0 : 2);
}
// The one client factory (shared/runtime/aws-clients.ts): the shell's credentials on AWS, the local
// stack's DynamoDB with its placeholder credentials when an endpoint is given.
const clients = awsClients({
  s3ForcePathStyle: false,
  ...(values.endpoint
    ? {
        region: process.env.AWS_REGION ?? 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        endpoints: { dynamodb: values.endpoint },
      }
    : {}),
});
const doc = clients.dynamo;
const deps = {
  source: dynamoKpiBackfillSource(doc, values.table),
  recorder: kpiRecorder(dynamoKpiRollupStore(doc, values.table)),
  clock: { now: () => (values.now ? new Date(values.now) : new Date()) },
};
const [kind, cursor] = values.resume?.split(':', 2) ?? [];
const from =
  kind === 'tickets' || kind === 'surveys'
    ? { kind: kind as 'tickets' | 'surveys', next: cursor ?? '' }
    : undefined;
for (const desk of values.desk ?? PACK_IDS) {
  const counts = await backfillKpiRollups(deps, desk, {
    from,
    onPage: (p) => {
      if (p.next)
        console.error(
          `${p.desk}: ${p.done} ${p.kind} so far; resume with --desk ${p.desk} --resume ${p.kind}:${p.next}`,
        );
    },
  });
  console.log(`${desk}: ${counts.tickets} tickets and ${counts.surveys} survey answers rolled up`);
}
clients.destroy();
