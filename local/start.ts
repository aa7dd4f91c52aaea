import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { captureMetrics } from '#shared/observability/metrics.ts';
import { portInUseMessage } from './ports.ts';
import { LocalDataError, startLocalStack } from './stack.ts';

// Lambda runs Node 22; a laptop may run 20. The SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The handlers log every request as JSON (what CloudWatch keeps on AWS); in a terminal that buries the
// banner, so `npm start` shows warnings and errors only unless LOG_LEVEL says otherwise (tests unaffected).
process.env.LOG_LEVEL ||= 'WARN';
// The metric lines (CloudWatch's embedded metric format) are as chatty; below INFO they go to a file instead.
const metricsFile = join(resolve(process.env.DATA_DIR || '.data'), 'metrics.ndjson');
if (['WARN', 'ERROR'].includes(process.env.LOG_LEVEL))
  captureMetrics((line) => appendFileSync(metricsFile, `${line}\n`));

/** `npm start`: the whole product on this machine, no AWS account, no Docker. */
const stack = await startLocalStack().catch((error: unknown) => {
  const message = portInUseMessage(error) ?? (error instanceof LocalDataError ? error.message : undefined);
  if (!message) throw error;
  // A taken port or an outdated data directory is a configuration problem, not a crash: one line
  // saying what to change, no stack trace.
  console.error(message);
  process.exit(1);
});
const { api, dynamodb, s3, stepfunctions, clock } = stack.urls;
const desk = stack.desks[1] ?? stack.desks[0];

console.log(`
tierdesk is running locally (ready in ${stack.readyInMs} ms, data in ${stack.dataDir})

  API            ${api}
  ops console    ${stack.urls.ops}   (queue, SLA timelines, execution histories, KPIs, incidents)
  virtual clock  ${clock}   (now ${stack.clock.now().toISOString()})
  JWKS           ${api}/.well-known/jwks.json
  DynamoDB       ${dynamodb}   (dynalite; aws dynamodb ... --endpoint-url ${dynamodb})
  S3 (objects)   ${s3}
  Step Functions ${stepfunctions}   (aws stepfunctions ... --endpoint-url ${stepfunctions})
                 state machine ${stack.stateMachineArn}${stack.resumedExecutions ? `, ${stack.resumedExecutions} executions resumed` : ''}
  SMTP (inbound) 127.0.0.1:${stack.mail.smtpPort}   (swaks --server 127.0.0.1:${stack.mail.smtpPort} --to support@techflowsolutions.com ...)
  outbox         ${stack.urls.outbox}   (what SES would have sent; SES stand-in ${stack.urls.ses})
  Scheduler      ${stack.scheduler.url}   (EventBridge Scheduler stand-in: DSAR and appeal deadlines on the virtual clock)
  metrics        ${process.env.LOG_LEVEL === 'WARN' || process.env.LOG_LEVEL === 'ERROR' ? metricsFile : 'on stdout'}   (CloudWatch embedded metric format; logs: LOG_LEVEL=${process.env.LOG_LEVEL})
  compliance     npm run purge -- --dry-run | npm run job -- retention-purge | ${api}/_local/compliance/notices
  desks          ${stack.desks.join(', ')}

Try it (in another terminal; the README's commands read these variables):
  export PORT=${new URL(api).port} SMTP_PORT=${stack.mail.smtpPort} SFN_PORT=${new URL(stepfunctions).port} DATA_DIR=${stack.dataDir}
  export API=${api}
  TOKEN=$(npm run -s token -- --role customer --desk ${desk} | tail -1)
  curl -s -X POST $API/tickets -H "authorization: Bearer $TOKEN" \\
    -H 'content-type: application/json' -H "idempotency-key: $(uuidgen || date +%s%N)" \\
    -d '{"subject":"Cannot log in","description":"The login page says my password is wrong.","priority":"high"}'
  curl -s -X POST $API/_local/clock -H 'content-type: application/json' -d '{"advance":"PT2H"}'

Ctrl-C stops it; data stays in ${stack.dataDir}.
`);

const stop = async () => {
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
