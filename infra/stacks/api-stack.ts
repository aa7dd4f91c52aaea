import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_ROUTES, type ApiRouteEntry } from '#functions/manifest/api-routes.ts';
import type { DeploymentConfig } from '../config.ts';
import { throttleRoutes } from '../constructs/api-throttling.ts';
import {
  AppFunction,
  type AppFunctionSettings,
  type BindableStateMachine,
} from '../constructs/app-function.ts';
import { UserDirectory } from '../constructs/user-directory.ts';
import { type AccessTargets, bindAccess } from '../manifest-functions.ts';
import type { DataResources } from './data-stack.ts';
import { complianceScheduling } from './schedules-stack.ts';

export interface ApiStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly data: DataResources;
  /** The per-ticket SLA workflow the API starts (new tickets) and wakes (changes). */
  readonly ticketWorkflow: BindableStateMachine;
}

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

  private readonly resources: AccessTargets;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    this.resources = {
      ...data,
      ticketWorkflow: props.ticketWorkflow,
      compliance: complianceScheduling(this, config),
    };

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

    for (const route of API_ROUTES) if (route.auth.kind === 'jwt') this.addRoute(route);

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'AppClientId', { value: this.users.appClient.userPoolClientId });
  }

  /**
   * Adds the routes customers reach without an account (the signed survey link, the public status feeds):
   * added by the app once the mail stack, which owns the survey secret, exists.
   */
  addPublicRoutes(env: { surveySecret: string; publicBaseUrl: string }): void {
    for (const route of API_ROUTES) if (route.auth.kind !== 'jwt') this.addRoute(route, env);
  }

  /** Adds a manifest route with its own AppFunction; the API's JWT authorizer applies unless it is public. */
  private addRoute(
    route: ApiRouteEntry,
    publicEnv?: { surveySecret: string; publicBaseUrl: string },
  ): AppFunction {
    if (this.functions[route.id]) throw new Error(`ApiStack: route id ${route.id} is used twice`);
    const fn = new AppFunction(this, route.id, {
      entry: route.handler,
      description: route.description,
      settings: this.functionSettings,
      environment: this.handlerEnvironment,
    });
    bindAccess(fn, route.access, { ...this.resources, ...publicEnv });
    const routes = this.api.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
      // Public routes check their own credential (a signed link) or serve public data.
      ...(route.auth.kind !== 'jwt' ? { authorizer: new HttpNoneAuthorizer() } : {}),
    });
    if (route.auth.kind !== 'jwt') {
      for (const r of routes)
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `Public by design: ${route.auth.reason}.`,
        });
    }
    this.functions[route.id] = fn;
    return fn;
  }
}
