import { CfnOutput, NestedStack, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_ROUTES, type ApiRouteEntry } from '#functions/manifest/api-routes.ts';
import type { DeploymentConfig } from '../config.ts';
import { addApiOriginDomain, executeApiEndpointProps } from '../constructs/api-origin.ts';
import { throttleRoutes } from '../constructs/api-throttling.ts';
import {
  AppFunction,
  type AppFunctionSettings,
  type BindableBucket,
  type BindableStateMachine,
} from '../constructs/app-function.ts';
import { UserDirectory } from '../constructs/user-directory.ts';
import { acknowledgeGuardRule } from '../control-tower.ts';
import { functionSettings } from '../environment-settings.ts';
import { type AccessTargets, bindAccess } from '../manifest-functions.ts';
import type { DataResources } from './data-stack.ts';
import { complianceScheduling } from './schedules-stack.ts';

/** What the mail stack lends the routes that need it. */
export interface MailTargets {
  readonly secrets: NonNullable<AccessTargets['secrets']>;
  readonly publicBaseUrl: string;
  readonly inboundMailBucket: BindableBucket;
}

/** A route whose access names something the mail stack owns. */
const needsMailStack = ({ access }: ApiRouteEntry) =>
  Boolean(
    access.secrets?.includes('survey') ||
      access.publicBaseUrl ||
      access.inboundMail ||
      access.inboundMailBucketName ||
      access.sendMail ||
      access.sendOwnMail,
  );

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

/** The nested stack of a route group: `tickets` → `TicketsRoutes`. */
function routeGroupId(group: ApiRouteEntry['group']): string {
  return `${group.charAt(0).toUpperCase()}${group.slice(1)}Routes`;
}

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

  /**
   * One nested stack per route group of the manifest (`group`) holds that group's functions, integrations and
   * routes: one API, one URL, one stack to deploy, and each template far below CloudFormation's 500 resources
   * (a route costs about eight: function, role, policy, log group, permission, integration, route, alarm).
   */
  readonly routeGroups = new Map<ApiRouteEntry['group'], NestedStack>();
  private readonly resources: AccessTargets;
  private readonly deskQuota: DeploymentConfig['apiThrottle'];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    this.deskQuota = config.apiThrottle;

    this.functionSettings = functionSettings(config, data.keys.logs);

    this.users = new UserDirectory(this, 'Users', { config, functionSettings: this.functionSettings });
    this.resources = {
      ...data,
      ticketWorkflow: props.ticketWorkflow,
      compliance: complianceScheduling(this, config),
      userPool: this.users.userPool,
    };

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `tierdesk-${config.envName}`,
      description: 'tierdesk ticket API',
      createDefaultStage: false,
      // Off when the API sits behind CloudFront on a custom origin domain (infra/constructs/api-origin.ts).
      ...executeApiEndpointProps(config),
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
    addApiOriginDomain(this.api, this.stage, config);

    this.handlerEnvironment = {
      JWT_ISSUER: this.users.issuer,
      JWT_AUDIENCE: this.users.audiences.join(','),
      JWKS_URL: this.users.jwksUrl,
      // Every API handler's config (ApiEnv) requires these, including handlers granted no access to them;
      // the bindings set the same values where they grant access.
      TABLE_NAME: data.table.tableName,
      BODY_BUCKET: data.bodyBucket.bucketName,
      STATE_MACHINE_ARN: props.ticketWorkflow.stateMachineArn,
      USER_POOL_ID: this.users.userPool.userPoolId,
    };

    for (const route of API_ROUTES) if (!needsMailStack(route)) this.addRoute(route);

    new CfnOutput(this, 'ApiUrl', {
      value: config.apiOriginDomain ? `https://${config.apiOriginDomain.domainName}/` : this.stage.url,
    });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'AppClientId', { value: this.users.appClient.userPoolClientId });
  }

  /**
   * Adds the routes that need the mail stack's resources: the survey and status routes (the survey secret,
   * the public URL for absolute links) and the suspended-mail routes (raw MIME in the inbound bucket).
   * Added by the app once the mail stack exists.
   */
  addRoutesNeedingMail(mail: MailTargets): void {
    for (const route of API_ROUTES) if (needsMailStack(route)) this.addRoute(route, mail);
  }

  /** Adds a manifest route with its own AppFunction; the API's JWT authorizer applies unless it is public. */
  private addRoute(route: ApiRouteEntry, mail?: MailTargets): AppFunction {
    if (this.functions[route.id]) throw new Error(`ApiStack: route id ${route.id} is used twice`);
    const scope = this.routeGroup(route.group);
    const fn = new AppFunction(scope, route.id, {
      entry: route.handler,
      description: route.description,
      settings: this.functionSettings,
      environment: this.handlerEnvironment,
    });
    bindAccess(fn, route.access, { ...this.resources, ...mail });
    // Every token-authenticated route charges the caller's desk quota (shared/http/api-handler.ts).
    if (route.auth.kind === 'jwt') {
      fn.bindQuotaCounter(this.resources.table, {
        perDesk: this.deskQuota.perDeskPerSecond,
        perAppClient: this.deskQuota.perAppClientPerSecond,
      });
    }
    // Public routes check their own credential (a signed link) or serve public data.
    const routes = [
      new HttpRoute(scope, `${route.method}${route.path}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
        ...(route.auth.kind !== 'jwt' ? { authorizer: new HttpNoneAuthorizer() } : {}),
      }),
    ];
    if (route.auth.kind !== 'jwt') {
      for (const r of routes)
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `Public by design: ${route.auth.reason}.`,
        });
      for (const r of routes)
        acknowledgeGuardRule(
          r,
          'api_gw_v2_authorization_type_configured_check',
          `Public by design: ${route.auth.reason}.`,
        );
    }
    this.functions[route.id] = fn;
    return fn;
  }

  private routeGroup(group: ApiRouteEntry['group']): NestedStack {
    const existing = this.routeGroups.get(group);
    if (existing) return existing;
    const stack = new NestedStack(this, routeGroupId(group), {
      description: `tierdesk: the ${group} routes of the HTTP API (functions, integrations, routes)`,
    });
    acknowledgeGuardRule(
      stack,
      'lambda_function_public_access_prohibited_check',
      'Each route’s invoke permission names this API as its source (SourceArn of the route’s execute-api ' +
        'ARN); the rule reads only literal or same-template SourceArn values, not the Fn::Join that builds it.',
    );
    this.routeGroups.set(group, stack);
    return stack;
  }
}
