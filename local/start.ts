import { portInUseMessage } from './ports.ts';
import { startLocalStack } from './stack.ts';

// Lambda runs Node 22; a laptop may run 20. The SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The handlers log every request as JSON (what CloudWatch keeps on AWS); in a terminal that buries the
// banner, so `npm start` shows warnings and errors only unless LOG_LEVEL says otherwise (tests unaffected).
process.env.LOG_LEVEL ||= 'WARN';

/** `npm start`: the whole product on this machine, no AWS account, no Docker. */
const stack = await startLocalStack().catch((error: unknown) => {
  const message = portInUseMessage(error);
  if (!message) throw error;
  // A taken port is a configuration problem, not a crash: one line naming the variable, no stack trace.
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
  compliance     npm run purge -- --dry-run | npm run job -- retention-purge | ${api}/_local/compliance/notices
  desks          ${stack.desks.join(', ')}

Try it:
  TOKEN=$(npm run -s token -- --role customer --desk ${desk} | tail -1)
  curl -s -X POST ${api}/tickets -H "authorization: Bearer $TOKEN" \\
    -H 'content-type: application/json' -H "idempotency-key: $(uuidgen || date +%s%N)" \\
    -d '{"subject":"Cannot log in","description":"The login page says my password is wrong.","priority":"high"}'
  curl -s -X POST ${clock} -H 'content-type: application/json' -d '{"advance":"PT2H"}'

Ctrl-C stops it; data stays in ${stack.dataDir}.
`);

const stop = async () => {
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
