import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';
import { throttleRoutes } from '../constructs/api-throttling.ts';
import {
  AppFunction,
  type AppFunctionSettings,
  type BindableStateMachine,
} from '../constructs/app-function.ts';
import { UserDirectory } from '../constructs/user-directory.ts';
import type { DataResources } from './data-stack.ts';

export interface ApiStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly data: DataResources;
  /** The per-ticket SLA workflow the API starts (new tickets) and wakes (changes). */
  readonly ticketWorkflow: BindableStateMachine;
}

/** What a route's `bind` may grant its function access to. */
export interface ApiResources extends DataResources {
  readonly ticketWorkflow: BindableStateMachine;
}

/** One HTTP route backed by its own function. */
export interface ApiRoute {
  /** Construct id of the function, e.g. `CreateTicket`. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway path, e.g. `/tickets/{id}`. */
  readonly path: string;
  /** Handler file relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  /**
   * Grants exactly what the handler uses (and sets the matching environment variables). A route that
   * touches nothing (a pure computation) leaves this out.
   */
  readonly bind?: (fn: AppFunction, resources: ApiResources) => void;
}

/**
 * The ticket API. Adding a route is one entry here: the handler file, and the table/bucket/state machine
 * actions it uses (what `shared/tickets/service.ts` and `shared/store/ticket-store.ts` call for it).
 * `local/routes.ts` lists the same routes for the local stack; test/infra checks the two agree.
 */
export const TICKET_ROUTES: readonly ApiRoute[] = [
  {
    id: 'CreateTicket',
    method: HttpMethod.POST,
    path: '/tickets',
    entry: 'functions/tickets/create-ticket.ts',
    description: 'POST /tickets: opens a ticket (idempotent per Idempotency-Key).',
    // Idempotency claim (PutItem, GetItem on a replay), existence check (GetItem), message and ticket
    // (PutItem; long bodies to S3), then the ticket's workflow (StartExecution).
    bind: (fn, { table, bodyBucket, ticketWorkflow }) => {
      // UpdateItem: counting a refused intake on the requester's ban.
      fn.bindTable(table, { actions: ['PutItem', 'GetItem', 'UpdateItem'] });
      fn.bindBucket(bodyBucket, { actions: ['PutObject'], prefix: 'bodies/' });
      fn.bindStateMachine(ticketWorkflow, { actions: ['StartExecution'] });
    },
  },
  {
    id: 'GetTicket',
    method: HttpMethod.GET,
    path: '/tickets/{id}',
    entry: 'functions/tickets/get-ticket.ts',
    description: 'GET /tickets/{id}: a ticket with its visible messages.',
    // The ticket partition in one Query (ticket and message items); long bodies from S3.
    bind: (fn, { table, bodyBucket }) => {
      fn.bindTable(table, { actions: ['Query'] });
      fn.bindBucket(bodyBucket, { actions: ['GetObject'], prefix: 'bodies/' });
    },
  },
  {
    id: 'ListTickets',
    method: HttpMethod.GET,
    path: '/tickets',
    entry: 'functions/tickets/list-tickets.ts',
    description: 'GET /tickets: filtered, cursor-paginated ticket list.',
    bind: (fn, { table }) => {
      fn.bindTable(table, {
        actions: ['Query'],
        indexes: ['byDeskStatusDue', 'byRequester', 'byDataClassCreated'],
      });
    },
  },
  {
    id: 'AddMessage',
    method: HttpMethod.POST,
    path: '/tickets/{id}/messages',
    entry: 'functions/tickets/add-message.ts',
    description: 'POST /tickets/{id}/messages: a public reply or an internal note.',
    // Idempotency claim (PutItem, GetItem), the ticket (GetItem), the message (PutItem; long bodies to S3),
    // the commit (UpdateItem returning the task token), then waking the workflow (SendTaskSuccess).
    bind: (fn, { table, bodyBucket, ticketWorkflow }) => {
      fn.bindTable(table, { actions: ['GetItem', 'PutItem', 'UpdateItem'] });
      fn.bindBucket(bodyBucket, { actions: ['PutObject'], prefix: 'bodies/' });
      fn.bindStateMachine(ticketWorkflow, { actions: ['SendTaskSuccess'] });
    },
  },
  {
    id: 'UpdateTicket',
    method: HttpMethod.PATCH,
    path: '/tickets/{id}',
    entry: 'functions/tickets/update-ticket.ts',
    description: 'PATCH /tickets/{id}: status, priority, tier, assignee (If-Match version).',
    // The ticket (GetItem), the commit (UpdateItem returning the task token), waking the workflow.
    bind: (fn, { table, ticketWorkflow }) => {
      fn.bindTable(table, { actions: ['GetItem', 'UpdateItem'] });
      fn.bindStateMachine(ticketWorkflow, { actions: ['SendTaskSuccess'] });
    },
  },
  {
    id: 'GetTicketSla',
    method: HttpMethod.GET,
    path: '/tickets/{id}/sla',
    entry: 'functions/tickets/get-ticket-sla.ts',
    description: 'GET /tickets/{id}/sla: clocks, deadlines, metric event log and applied SLA actions.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['GetItem'] });
    },
  },
];

/** SLA routes that are not about one ticket. */
export const SLA_ROUTES: readonly ApiRoute[] = [
  {
    id: 'PreviewSla',
    method: HttpMethod.POST,
    path: '/sla/preview',
    entry: 'functions/sla/preview-sla.ts',
    description: 'POST /sla/preview: every deadline and action for a hypothetical ticket; no side effects.',
    // Pure computation on the desk's policy pack: no table, bucket or workflow access.
  },
];

/** The desk's ban list (RareLogic's policy on abusive or fraudulent requesters). */
export const BAN_ROUTES: readonly ApiRoute[] = [
  {
    id: 'ListBans',
    method: HttpMethod.GET,
    path: '/bans',
    entry: 'functions/bans/list-bans.ts',
    description: 'GET /bans: the desk ban list with refused-attempt counts.',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['Query'] });
    },
  },
  {
    id: 'AddBan',
    method: HttpMethod.POST,
    path: '/bans',
    entry: 'functions/bans/add-ban.ts',
    description: 'POST /bans: bans a requester from support (lead+).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['PutItem'] });
    },
  },
  {
    id: 'RemoveBan',
    method: HttpMethod.DELETE,
    path: '/bans/{email}',
    entry: 'functions/bans/remove-ban.ts',
    description: 'DELETE /bans/{email}: lifts a ban (lead+).',
    bind: (fn, { table }) => {
      fn.bindTable(table, { actions: ['DeleteItem'] });
    },
  },
];

/** Every route of the HTTP API. */
export const API_ROUTES: readonly ApiRoute[] = [...TICKET_ROUTES, ...SLA_ROUTES, ...BAN_ROUTES];

/** API access log line: one JSON object per request, no headers, no bodies, no tokens. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    error: '$context.error.message',
  }),
);

/**
 * The HTTPS API: an API Gateway HTTP API (see docs/decisions.md, "HTTP API, not REST API") with a Cognito
 * JWT authorizer on every route, one AppFunction per route, stage access logs and default throttling.
 * CORS is off: callers are servers and apps, not browsers on other origins (turn on per deployment).
 */
export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly users: UserDirectory;
  readonly functionSettings: AppFunctionSettings;
  /** Functions by route id, e.g. `functions.CreateTicket`. */
  readonly functions: Record<string, AppFunction> = {};
  /** Variables every API handler reads besides its bindings (see `shared/config/env.ts`). */
  readonly handlerEnvironment: Readonly<Record<string, string>>;

  private readonly resources: ApiResources;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    this.resources = { ...data, ticketWorkflow: props.ticketWorkflow };

    this.functionSettings = {
      logRetention: config.logRetentionDays as RetentionDays,
      logEncryptionKey: data.keys.logs,
      logRemovalPolicy: config.removeDataOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      serviceName: 'tierdesk',
    };

    this.users = new UserDirectory(this, 'Users', { config, functionSettings: this.functionSettings });

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `tierdesk-${config.envName}`,
      description: 'tierdesk ticket API',
      createDefaultStage: false,
      defaultAuthorizer: new HttpJwtAuthorizer('CognitoJwt', this.users.issuer, {
        jwtAudience: this.users.audiences,
      }),
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as RetentionDays,
      encryptionKey: data.keys.logs,
      removalPolicy: this.functionSettings.logRemovalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.apiThrottle.rateLimit, burstLimit: config.apiThrottle.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
    throttleRoutes(this.api, this.stage, config);

    this.handlerEnvironment = {
      JWT_ISSUER: this.users.issuer,
      JWT_AUDIENCE: this.users.audiences.join(','),
      JWKS_URL: this.users.jwksUrl,
      // Every API handler's config (ApiEnv) requires these, including handlers granted no access to them;
      // the bindings set the same values where they grant access.
      TABLE_NAME: data.table.tableName,
      BODY_BUCKET: data.bodyBucket.bucketName,
      STATE_MACHINE_ARN: props.ticketWorkflow.stateMachineArn,
    };

    for (const route of API_ROUTES) this.addRoute(route);

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'AppClientId', { value: this.users.appClient.userPoolClientId });
  }

  /** Adds a route with its own AppFunction; the API's JWT authorizer applies to it automatically. */
  addRoute(route: ApiRoute): AppFunction {
    if (this.functions[route.id]) throw new Error(`ApiStack: route id ${route.id} is used twice`);
    const fn = new AppFunction(this, route.id, {
      entry: route.entry,
      description: route.description,
      settings: this.functionSettings,
      environment: this.handlerEnvironment,
    });
    route.bind?.(fn, this.resources);
    this.api.addRoutes({
      path: route.path,
      methods: [route.method],
      integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
    });
    this.functions[route.id] = fn;
    return fn;
  }
}
