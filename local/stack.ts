import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import * as z from 'zod';
import { API_ROUTES } from '#functions/manifest/api-routes.ts';
import type { StateMachineId } from '#functions/manifest/async-functions.ts';
import {
  cadencePeriodMs,
  nextRun,
  SCHEDULES,
  type ScheduleEntry,
  STATE_MACHINES,
  stateMachineSubstitutions,
} from '#functions/manifest/schedules.ts';
import { Role } from '#shared/auth/principal.ts';
import { Problem, renderProblem } from '#shared/http/problem.ts';
import { logger } from '#shared/observability/logger.ts';
import { isKnownDesk, PACK_IDS } from '#shared/policy/packs.ts';
import { checkShippedPacks } from '#shared/policy/shipped-packs.ts';
import { awsClients } from '#shared/runtime/aws-clients.ts';
import { dynamoTableClient } from '#shared/runtime/clients/dynamodb-tables.ts';
import { installRuntime } from '#shared/runtime/runtime.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';
import { Slug } from '#shared/tickets/model.ts';
import { apiGateway } from './api-gateway.ts';
import { invokeByArn, pendingComplianceNotices, runExecution } from './compliance-jobs.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, localIdentity } from './identity.ts';
import {
  invokeLocal,
  type LambdaFaults,
  loadLocalLambdas,
  localFunctionArn,
  localLambdas,
} from './lambdas.ts';
import { MAIL_BUCKET, prepareLocalMail } from './mail/mail-stack.ts';
import { authenticatedDomainsFromEnv } from './mail/sender-verdicts.ts';
import { objectStorePath, startObjectStore } from './object-store.ts';
import { serveOpsConsole } from './ops-console.ts';
import { envPort } from './ports.ts';
import { startSchedulerEndpoint } from './scheduler.ts';
import { LOCAL_SECRETS, startSecretsManagerEndpoint } from './secrets-manager.ts';
import { localStaff, startStaffDirectoryEndpoint } from './staff-directory.ts';
import { passedGate, startupGate } from './startup-gate.ts';
import { type FaultInjection, startSfnEndpoint } from './stepfunctions/endpoint.ts';
import { LocalStepFunctions } from './stepfunctions/engine.ts';
import { localSurveySecret, localThreadTokenSecret } from './survey-secret.ts';
import { VirtualTimers } from './timers.ts';
import { UsageMeter } from './usage-meter.ts';
import { parseIsoDuration, VirtualClock } from './virtual-clock.ts';

/** Every port the stack opens on a free one (tests, benches, screenshots: never the documented defaults). */
export const ON_FREE_PORTS = {
  apiPort: 0,
  dynamoPort: 0,
  s3Port: 0,
  sfnPort: 0,
  sesPort: 0,
  smtpPort: 0,
  schedulerPort: 0,
} as const satisfies Partial<LocalStackOptions>;

export interface LocalStackOptions {
  dataDir?: string;
  /** 0 picks a free port (tests); defaults come from env, then the documented ports. */
  apiPort?: number;
  dynamoPort?: number;
  s3Port?: number;
  sfnPort?: number;
  /** Local SES endpoint (outbound mail) and SMTP listener (inbound mail, SMTP_PORT, default 2525). */
  sesPort?: number;
  smtpPort?: number;
  /** Local EventBridge Scheduler (SCHEDULER_PORT; default: any free port, shown in the banner). */
  schedulerPort?: number;
  directoryPort?: number;
  /** The four policy packs' desks, served by the stack. */
  desks?: readonly string[];
  /**
   * Sender domains whose mail the local SES stand-in treats as authenticated (SPF/DKIM/DMARC PASS);
   * default: LOCAL_AUTHENTICATED_MAIL_DOMAINS, else example.com and example.org.
   */
  authenticatedMailDomains?: string[];
  /**
   * Where the handlers' DynamoDB client sends its requests, given the local DynamoDB's URL (default:
   * straight to it). The calls-per-ticket bench puts its counting proxy in between this way.
   */
  dynamoEndpointFor?: (dynamoUrl: string) => string;
  /**
   * Whether the scheduled jobs (reconciler, sweeps, purges) run on their cadence (default true). The
   * per-ticket benchmarks turn them off: the cost model prices them per month, not per ticket.
   */
  schedules?: boolean;
}

export const TABLE_NAME = 'tierdesk-local';
export const BODY_BUCKET = 'tierdesk-local-bodies';
export const LOCAL_DESKS: readonly string[] = PACK_IDS;
/** Local state machine names: `tierdesk-<manifest id>`, e.g. `tierdesk-ticket-sla`. */
export const localStateMachineName = (id: StateMachineId) => `tierdesk-${id}`;
/** How long `POST /_local/clock` waits for the workflows it woke to settle before answering. */
const SETTLE_TIMEOUT_MS = 15_000;
/** The outbound-mail sweep also runs this often in real time (crash recovery; see below). */
const OUTBOUND_SWEEP_REAL_MS = 20_000;

/**
 * Boots the whole product in this process: dynalite, an S3-compatible object store, the local
 * identity provider, the virtual clock and the HTTP API running the real handlers.
 */
export async function startLocalStack(options: LocalStackOptions = {}) {
  // The handlers read the packs unparsed, as on AWS, where synth checked them: check them here.
  checkShippedPacks();
  // Made before the first await: every server the stack opens waits on it inside its request
  // handler, so a request that comes while the stack starts is answered once all is wired.
  const gate = startupGate();
  // What the start has opened so far: a start that fails later (a port in use, an outdated data
  // directory) closes it again, newest first, so no server is left listening in the process.
  const opened: Closer[] = [];
  try {
    const stack = await bootLocalStack(options, gate.ready, opened);
    gate.open();
    return stack;
  } catch (error) {
    gate.fail(error);
    for (const close of opened.reverse()) await close().catch(() => {});
    throw error;
  }
}

type Closer = () => Promise<void>;
const closeServer =
  (server: { close(done: () => void): unknown }): Closer =>
  () =>
    new Promise<void>((ok) => server.close(() => ok()));

async function bootLocalStack(options: LocalStackOptions, ready: Promise<void>, opened: Closer[]) {
  const started = Date.now();
  const dataDir = resolve(options.dataDir ?? process.env.DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true });

  const clock = new VirtualClock(join(dataDir, 'clock.json'));
  const timers = new VirtualTimers(clock);
  const usage = new UsageMeter();

  // dynalite on LevelDB; `restartDynamo` (fault tests) closes it and opens the same data on the same port.
  let dynamoRequestsInFlight = 0;
  const startDynamo = async (port: number) => {
    const server = dynalite({
      path: join(dataDir, 'dynamodb'),
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
    });
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => ok());
    });
    server.on('request', (req, res) => {
      usage.add(`dynamodb:${String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown'}`);
      dynamoRequestsInFlight++;
      res.on('close', () => dynamoRequestsInFlight--);
    });
    return server;
  };
  let dynamo = await startDynamo(options.dynamoPort ?? envPort('DYNAMODB_PORT'));
  opened.push(() => closeServer(dynamo)());
  const dynamoUrl = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;

  const objects = await startObjectStore({
    dir: objectStorePath(dataDir),
    port: options.s3Port ?? envPort('S3_PORT'),
  });
  opened.push(() => objects.close());
  const identity = await localIdentity(dataDir);
  const desks = [...(options.desks ?? LOCAL_DESKS)];
  // The identity provider's staff directory, behind the same Cognito calls the API makes on AWS.
  const staffDirectory = await startStaffDirectoryEndpoint(
    localStaff(desks),
    options.directoryPort ?? envPort('DIRECTORY_PORT'),
  );
  opened.push(() => staffDirectory.close());

  // The survey and thread-token keyrings, served from files in the data directory (created on first start).
  localSurveySecret(dataDir);
  localThreadTokenSecret(dataDir);
  const secrets = await startSecretsManagerEndpoint(dataDir, envPort('SECRETS_PORT'));
  opened.push(() => secrets.close());

  // The port must be known early (the JWKS URL); the handler is attached now and waits for `ready`.
  const server = createServer(async (req, res) => {
    if (await passedGate(ready, res)) await handleRequest(req, res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.apiPort ?? envPort('PORT'), '127.0.0.1', () => ok());
  });
  opened.push(closeServer(server));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  await loadLocalLambdas();
  const lambdaFaults: LambdaFaults = new Map();
  const lambdas = localLambdas(lambdaFaults, usage);
  const stepFunctions = await LocalStepFunctions.create({
    dataDir: join(dataDir, 'stepfunctions'),
    clock,
    timers,
    lambdas,
    // The manifest's state machines, each placeholder filled with the local ARN of the function it names.
    stateMachines: STATE_MACHINES.map((machine) => ({
      name: localStateMachineName(machine.id),
      definition: readFileSync(new URL(`../${machine.definitionFile}`, import.meta.url), 'utf8'),
      substitutions: Object.fromEntries(
        Object.entries(stateMachineSubstitutions(machine.id)).map(([placeholder, functionId]) => [
          placeholder,
          localFunctionArn(functionId),
        ]),
      ),
    })),
  });
  const faults: FaultInjection = { failNext: new Map() };
  const sfn = await startSfnEndpoint(stepFunctions, {
    port: options.sfnPort ?? envPort('SFN_PORT'),
    faults,
    ready,
  });
  opened.push(async () => {
    timers.stop();
    await sfn.close();
  });
  const stateMachineArnOf = (id: StateMachineId) =>
    stepFunctions.listStateMachines().find((m) => m.name === localStateMachineName(id))!.stateMachineArn;
  const stateMachineArn = stateMachineArnOf('ticket-sla');
  const mail = await prepareLocalMail({
    dataDir,
    clock,
    lambdas,
    sesPort: options.sesPort ?? envPort('SES_PORT'),
    smtpPort: options.smtpPort ?? envPort('SMTP_PORT'),
    ready,
    region: process.env.AWS_REGION ?? 'us-east-1',
    desks,
    authenticatedDomains:
      options.authenticatedMailDomains ??
      authenticatedDomainsFromEnv(process.env.LOCAL_AUTHENTICATED_MAIL_DOMAINS),
  });
  opened.push(() => mail.close());

  const inFlight = new Set<Promise<unknown>>();
  const tracked = (job: () => Promise<unknown>) => () => {
    const run = job().finally(() => inFlight.delete(run));
    inFlight.add(run);
    return run;
  };
  // EventBridge Scheduler's one-time deadline schedules (DSARs, billing appeals), on the virtual clock.
  const scheduler = await startSchedulerEndpoint({
    port: options.schedulerPort ?? envPort('SCHEDULER_PORT'),
    timers,
    now: () => clock.now(),
    dataFile: join(dataDir, 'scheduler', 'schedules.json'),
    ready,
    invoke: (arn, input) => tracked(() => invokeByArn(lambdas, arn, input))(),
  });
  opened.push(() => scheduler.close());
  // The handlers' configuration, exactly the variables infra/ sets on AWS, pointed at the stand-ins, and
  // the clients that reach them: installed as the runtime every composition root builds from. The
  // process environment is left alone (a second stack in the same process installs its own).
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const clients = awsClients({
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    s3ForcePathStyle: true,
    endpoints: {
      dynamodb: options.dynamoEndpointFor?.(dynamoUrl) ?? dynamoUrl,
      s3: objects.url,
      sfn: sfn.url,
      scheduler: scheduler.url,
      ses: mail.sesUrl,
      secretsManager: secrets.url,
      cognito: staffDirectory.url,
    },
  });
  installRuntime({
    clock,
    clients,
    env: {
      AWS_REGION: region,
      // The desk quota runs locally too (same code path), sized so the test suite's bursts stay under it.
      DESK_QUOTA_PER_SECOND: process.env.DESK_QUOTA_PER_SECOND ?? '1000',
      APP_CLIENT_QUOTA_PER_SECOND: process.env.APP_CLIENT_QUOTA_PER_SECOND ?? '1000',
      USER_POOL_ID: 'us-east-1_tierdeskLocal',
      STATE_MACHINE_ARN: stateMachineArn,
      DESKS: desks.join(','),
      TABLE_NAME,
      BODY_BUCKET,
      MAIL_BUCKET,
      S3_FORCE_PATH_STYLE: 'true',
      JWKS_URL: `${apiUrl}/.well-known/jwks.json`,
      JWT_ISSUER: LOCAL_ISSUER,
      JWT_AUDIENCE: LOCAL_AUDIENCE,
      // The keyrings of survey links and thread tokens (reply addresses, Message-IDs), by secret id.
      SURVEY_SECRET_ID: LOCAL_SECRETS.survey.id,
      THREAD_TOKEN_SECRET_ID: LOCAL_SECRETS.threadToken.id,
      // The status feeds' and survey links' absolute links.
      PUBLIC_BASE_URL: apiUrl,
      COMPLIANCE_SCHEDULE_GROUP: 'tierdesk-local-compliance',
      COMPLIANCE_SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/tierdesk-local-compliance-scheduler',
      COMPLIANCE_DEADLINE_FUNCTION_ARN: localFunctionArn('HandleComplianceDeadline'),
    },
  });

  // The table is made with the SDK's own client: the handlers' lean one speaks only the items' operations.
  const tables = dynamoTableClient(clients.config);
  try {
    await tables.send(new CreateTableCommand(tableDefinition(TABLE_NAME)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await refuseOutdatedTable(tables, dataDir);
  } finally {
    tables.destroy();
  }
  const smtpPort = await mail.listen(clients, TABLE_NAME);

  const api = apiGateway(API_ROUTES);
  const urls = {
    api: apiUrl,
    dynamodb: dynamoUrl,
    s3: objects.url,
    stepfunctions: sfn.url,
    ses: mail.sesUrl,
    outbox: `${apiUrl}/_local/outbox`,
    clock: `${apiUrl}/_local/clock`,
    ops: `${apiUrl}/ops/`,
  };

  // The manifest's schedules, as EventBridge runs them on AWS, on the virtual clock.
  const runScheduleTarget = (entry: ScheduleEntry) =>
    'function' in entry.target
      ? invokeLocal(lambdas, entry.target.function)
      : // The scheduled purge is a state machine execution, as on AWS (docs/compliance.md).
        runExecution(
          stepFunctions,
          stateMachineArnOf(entry.target.stateMachine),
          { time: clock.now().toISOString(), trigger: 'schedule' },
          entry.id,
        );
  const jobs: Record<string, () => Promise<unknown>> = Object.fromEntries(
    SCHEDULES.map((entry) => [entry.id, () => runScheduleTarget(entry)]),
  );
  scheduler.resume();
  const stopSchedules = (options.schedules === false ? [] : SCHEDULES).map((entry) =>
    timers.every(cadencePeriodMs(entry.cadence), tracked(jobs[entry.id]!), {
      firstDue: nextRun(entry.cadence, clock.now()),
    }),
  );
  // Crash recovery of outbound mail runs on real time as well: once as soon as the stack is up (taking
  // even the mail noted just before the crash), then every OUTBOUND_SWEEP_REAL_MS, so mail a dead
  // process left pending goes out without waiting for a clock move or a workflow to wake.
  const sweepAfterRestart = tracked(() => invokeLocal(lambdas, 'SweepOutboundMail', { graceSeconds: 0 }));
  let realTimeSweepRunning = false;
  const realTimeSweep = setInterval(() => {
    if (realTimeSweepRunning || options.schedules === false) return;
    realTimeSweepRunning = true;
    tracked(jobs['sweep-outbound-mail']!)()
      .catch((error: unknown) => logger.error('outbound mail sweep failed', { error }))
      .finally(() => {
        realTimeSweepRunning = false;
      });
  }, OUTBOUND_SWEEP_REAL_MS);
  realTimeSweep.unref();
  const settle = () =>
    Promise.race([
      // Scheduled jobs and schedule deliveries that the move fired, then the executions they started.
      Promise.allSettled([...inFlight]).then(() => stepFunctions.whenIdle()),
      new Promise<void>((ok) => setTimeout(ok, SETTLE_TIMEOUT_MS).unref()),
    ]);
  const resumed = stepFunctions.resume();
  // Not awaited: it needs the SES endpoint, which answers once start-up is over.
  void sweepAfterRestart().catch((error: unknown) =>
    logger.error('outbound mail sweep after start failed', { error }),
  );

  const localRoutes: Record<string, (body: unknown) => Promise<[number, unknown]> | [number, unknown]> = {
    'GET /': () => [200, { name: 'tierdesk (local stack)', desks, urls, now: clock.now().toISOString() }],
    'GET /.well-known/jwks.json': () => [200, identity.jwks],
    // Every schedule can be run by hand (npm run job <id>); the purge's manual run is below.
    ...Object.fromEntries(
      SCHEDULES.map((entry) => [
        `POST /_local/jobs/${entry.id}`,
        async (): Promise<[number, unknown]> => [200, await jobs[entry.id]!()],
      ]),
    ),
    'GET /_local/clock': () => [200, { now: clock.now().toISOString(), offsetMs: clock.offset }],
    'POST /_local/clock': async (body) => {
      const parsed = ClockChange.safeParse(body);
      if (!parsed.success) return problem(400, 'Send {"advance":"PT2H"} or {"set":"2026-01-05T09:00:00Z"}.');
      try {
        if ('advance' in parsed.data) {
          const ms = parseIsoDuration(parsed.data.advance);
          if (ms === undefined)
            return problem(400, `"${parsed.data.advance}" is not a duration like PT2H or P3DT4H.`);
          clock.advance(ms);
        } else {
          clock.set(new Date(parsed.data.set));
        }
      } catch (error) {
        return problem(409, (error as Error).message);
      }
      await settle();
      return [200, { now: clock.now().toISOString(), offsetMs: clock.offset }];
    },
    'POST /_local/settle': async () => {
      await settle();
      return [200, { now: clock.now().toISOString() }];
    },
    'POST /_local/faults': (body) => {
      const parsed = FaultRequest.safeParse(body);
      if (!parsed.success)
        return problem(
          400,
          'Send {"operation":"StartExecution","count":3,"kind":"throttle"|"drop"} or {"lambda":"tierdesk-check-ticket-sla","count":3}.',
        );
      if ('lambda' in parsed.data) lambdaFaults.set(parsed.data.lambda, parsed.data.count);
      else
        faults.failNext.set(parsed.data.operation, { remaining: parsed.data.count, kind: parsed.data.kind });
      return [200, { armed: parsed.data }];
    },
    // What SES would have sent (outbound mail) and what became of each received email.
    'GET /_local/outbox': async () => [200, { items: await mail.outbox() }],
    'GET /_local/inbound-mail': async () => [200, { items: await mail.inboundRecords() }],
    // By hand (npm run job / npm run purge): a run of its own, even if today's scheduled run is done.
    'POST /_local/jobs/retention-purge': async () => [
      200,
      await runExecution(
        stepFunctions,
        stateMachineArnOf('retention-purge'),
        { trigger: 'manual', runId: `manual-${clock.now().toISOString().replace(/[-:.]/g, '')}` },
        'purge-manual',
      ),
    ],
    // Compliance notices (DSAR codes included) waiting for the mail sender, and the pending schedules.
    'GET /_local/compliance/notices': async () => [200, await pendingComplianceNotices(desks)],
    'GET /_local/scheduler': () => [200, { schedules: scheduler.list(), failures: scheduler.failures() }],
    'POST /_local/token': async (body) => {
      const parsed = TokenRequest.safeParse(body);
      if (!parsed.success)
        return problem(
          400,
          'Send {"role":"agent","desk":"techflow"} (optional sub, email, name, plan, tier).',
        );
      if (!isKnownDesk(parsed.data.desk))
        return problem(400, `Unknown desk ${parsed.data.desk}; desks: ${PACK_IDS.join(', ')}.`);
      return [200, { token: await identity.issueToken(parsed.data) }];
    },
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readBody(req);
      if (await serveOpsConsole(req, res)) return;
      const started = performance.now();
      if (await api(req, res, body)) {
        usage.add('api:request', performance.now() - started);
        return;
      }
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      const local = localRoutes[`${req.method} ${path}`];
      if (!local) {
        const { body: problemBody } = renderProblem(
          new Problem(404, 'not-found', 'Not found', `No route ${req.method} ${path}`),
          path,
        );
        send(res, 404, JSON.parse(problemBody ?? '{}'), true);
        return;
      }
      let parsedBody: unknown;
      if (body.length) {
        try {
          parsedBody = JSON.parse(body.toString('utf8'));
        } catch {
          send(
            res,
            400,
            { type: '/problems/malformed-json', title: 'Malformed JSON body', status: 400 },
            true,
          );
          return;
        }
      }
      const [status, payload] = await local(parsedBody);
      send(res, status, payload, status >= 400);
    } catch (error) {
      logger.error('local stack error', { error });
      if (!res.headersSent)
        send(res, 500, { type: '/problems/internal', title: 'Internal error', status: 500 }, true);
    }
  };

  return {
    dataDir,
    urls,
    clock,
    identity,
    desks,
    stepFunctions,
    stateMachineArn,
    faults,
    settle,
    /** The AWS clients the handlers use, pointed at the stand-ins (tests write through them too). */
    clients,
    resumedExecutions: resumed,
    /** Local SES: the outbox, the SMTP port, the inbound-mail records. */
    mail: {
      outbox: mail.outbox,
      smtpPort,
      inboundRecords: mail.inboundRecords,
      /** Holds the next outbound send in flight until released (tests of sends across a clock move). */
      holdNextSend: mail.holdNextSend,
    },
    /** Local EventBridge Scheduler: pending one-time schedules and failed deliveries. */
    scheduler,
    runJob: (name: keyof typeof jobs) => jobs[name]!(),
    /** DynamoDB operations, function invocations (count, ms) and API requests since start. */
    usage,
    /** Stops DynamoDB and starts it again on the same port and data (fault tests). */
    async restartDynamo(downForMs = 0) {
      const port = (dynamo.address() as AddressInfo).port;
      // Stop accepting connections, let the requests dynalite is serving finish (dropping each keep-alive
      // connection once idle), then drop the rest: a request cut off mid-operation makes dynalite touch
      // its closed database and throw outside any handler. Bounded, as a real outage would be abrupt.
      const closed = new Promise<void>((ok) => dynamo.close(() => ok()));
      const drainUntil = Date.now() + 2_000;
      while (dynamoRequestsInFlight > 0 && Date.now() < drainUntil) {
        dynamo.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 5));
      }
      dynamo.closeAllConnections();
      await closed;
      if (downForMs) await new Promise((r) => setTimeout(r, downForMs));
      dynamo = await startDynamo(port);
    },
    readyInMs: Date.now() - started,
    async stop() {
      for (const stopSchedule of stopSchedules) stopSchedule();
      clearInterval(realTimeSweep);
      await Promise.allSettled([...inFlight]);
      stepFunctions.shutdown();
      timers.stop();
      await scheduler.close();
      await staffDirectory.close();
      await secrets.close();
      await sfn.close();
      await mail.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await objects.close();
      await new Promise<void>((ok) => dynamo.close(() => ok()));
      clients.destroy();
    },
  };
}

export type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;

const ClockChange = z.union([
  z.strictObject({ advance: z.string().min(2).max(40) }),
  z.strictObject({ set: z.iso.datetime({ offset: true }) }),
]);
const FaultRequest = z.union([
  z.strictObject({
    operation: z.enum(['StartExecution', 'SendTaskSuccess', 'SendTaskFailure', 'DescribeExecution']),
    count: z.number().int().min(0).max(1000),
    kind: z.enum(['throttle', 'drop']).default('throttle'),
  }),
  z.strictObject({ lambda: z.string().min(1), count: z.number().int().min(0).max(1000) }),
]);
const TokenRequest = z.strictObject({
  role: Role,
  desk: Slug,
  sub: z.string().min(1).max(128).optional(),
  email: z.email().optional(),
  name: z.string().max(200).optional(),
  plan: z.optional(Slug),
  tier: z.number().int().min(1).max(4).optional(),
});

function problem(status: number, detail: string): [number, unknown] {
  return [
    status,
    { type: '/problems/local', title: status === 409 ? 'Conflict' : 'Invalid request', status, detail },
  ];
}

function send(res: ServerResponse, status: number, payload: unknown, isProblem = false) {
  res.writeHead(status, { 'content-type': isProblem ? 'application/problem+json' : 'application/json' });
  res.end(JSON.stringify(payload, null, 2));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 11 * 1024 * 1024) break; // API Gateway's limit is 10 MB; the gateway replies 413
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Thrown when the data directory holds data the current version cannot read; `npm start` prints only its message. */
export class LocalDataError extends Error {}

/**
 * A data directory kept from a version with other table indexes (dynalite cannot add an index to an
 * existing table, as DynamoDB does one per deploy): refuse at start with what to do, instead of
 * failing every query later.
 */
async function refuseOutdatedTable(dynamo: DynamoDBClient, dataDir: string): Promise<void> {
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const missing = (tableDefinition(TABLE_NAME).GlobalSecondaryIndexes ?? [])
    .map((i) => i.IndexName)
    .filter((name) => !present.has(name));
  if (missing.length)
    throw new LocalDataError(
      `The data in ${dataDir} was written by an older tierdesk (its table lacks the ${missing.join(', ')} ` +
        `index${missing.length > 1 ? 'es' : ''}). Start with a fresh data directory: move it aside, or set DATA_DIR=<new directory>.`,
    );
}
