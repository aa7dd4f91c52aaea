import { Annotations, App, type AppProps, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { API_ROUTES } from '#functions/manifest/api-routes.ts';
import { ASYNC_FUNCTIONS } from '#functions/manifest/async-functions.ts';
import { checkShippedPacks } from '#shared/policy/shipped-packs.ts';
import { ConfigError, type DeploymentConfig, readDeploymentConfig } from './config.ts';
import { applyControlTowerHardening } from './control-tower.ts';
import { ApiStack } from './stacks/api-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { EDGE_REGION, EdgeStack } from './stacks/edge-stack.ts';
import { MailStack } from './stacks/mail-stack.ts';
import { ObservabilityStack, routeAlarmsToTopic } from './stacks/observability-stack.ts';
import { OpsStack } from './stacks/ops-stack.ts';
import { SchedulesStack } from './stacks/schedules-stack.ts';
import { WorkflowStack } from './stacks/workflow-stack.ts';

/**
 * CDK feature flags, pinned in code so that the app, the infra tests and `cdk synth` all build the same
 * templates whatever cdk.json holds, and so that upgrading aws-cdk-lib cannot silently change behaviour.
 * Taken from the recommended set of aws-cdk-lib 2.276 for the services this app uses; cdk.json may still
 * override them (CLI and cdk.json context take precedence over these defaults).
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  // Strong references (CloudFormation exports): the data stack cannot be deleted, nor an exported value
  // changed, while the API stack still uses it. That is the protection we want for the data stack.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/core:includePrefixInUniqueNameGeneration': true,
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-iam:importedRoleStackSafeDefaultPolicyName': true,
  '@aws-cdk/aws-kms:aliasNameRef': true,
  '@aws-cdk/aws-kms:applyImportedAliasPermissionsToPrincipal': true,
  '@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:publicAccessBlockedByDefault': true,
  '@aws-cdk/aws-s3:keepNotificationInImportedBucket': false,
  '@aws-cdk/aws-dynamodb:resourcePolicyPerReplica': true,
  '@aws-cdk/aws-dynamodb:retainTableReplica': true,
  '@aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard': true,
  '@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption': true,
  '@aws-cdk/aws-events:eventsTargetQueueSameAccount': true,
  '@aws-cdk/aws-events:requireEventBusPolicySid': true,
  '@aws-cdk/aws-stepfunctions-tasks:fixRunEcsTaskPolicy': true,
  '@aws-cdk/customresources:installLatestAwsSdkDefault': false,
};

/** A CDK app with the pinned feature flags. Tests pass `postCliContext` to skip bundling. */
export function createApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...FEATURE_FLAGS, ...props.context } });
}

/** The stacks of one environment. Later issues add schedules and ops here. */
export interface TierdeskStacks {
  readonly config: DeploymentConfig;
  readonly data: DataStack;
  readonly workflow: WorkflowStack;
  readonly api: ApiStack;
  readonly mail: MailStack;
  /** Compliance schedules: retention purge, DSAR and billing-appeal deadlines, the sweep. */
  readonly schedules: SchedulesStack;
  /** CloudFront + WAF in front of the API (us-east-1), when `waf.enabled`. */
  readonly edge: EdgeStack | undefined;
  /** Alarm topic, dashboard; created last (it shows every other stack's resources). */
  readonly observability: ObservabilityStack;
  /** The ops console (S3 + CloudFront) and the post-incident review sweep. */
  readonly ops: OpsStack;
}

/**
 * Account and Region from the CLI's credentials when there are any (the Region from the config first);
 * otherwise environment-agnostic stacks.
 */
function deploymentEnvironment(config: DeploymentConfig): Environment {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = config.region ?? process.env.CDK_DEFAULT_REGION;
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

/** Survey links point here until an environment sets `publicBaseUrl`. */
const EXAMPLE_PUBLIC_BASE_URL = 'https://support.example.com';

/**
 * Adds every stack of the environment named by the `tierdesk:env` context to `app`. Stack names carry the
 * environment (`tierdesk-dev-data`, `tierdesk-dev-workflow`, `tierdesk-dev-api`), so dev and prod can live in one account.
 * Stacks hand resources to each other as props (`data`), which also orders the deployment.
 */
export function addTierdeskStacks(
  app: App,
  config: DeploymentConfig = readDeploymentConfig(app.node),
): TierdeskStacks {
  // Functions read the packs unparsed (shared/policy/packs.ts): a bad pack fails synth, not a request.
  checkShippedPacks();
  const prefix = `tierdesk-${config.envName}`;
  const env = deploymentEnvironment(config);
  applyControlTowerHardening(app);
  Tags.of(app).add('app', 'tierdesk');
  Tags.of(app).add('tierdesk:env', config.envName);

  const data = new DataStack(app, `${prefix}-data`, {
    env,
    config,
    description: `tierdesk ${config.envName}: table, bodies bucket, KMS keys`,
    terminationProtection: !config.removeDataOnDelete,
  });
  const workflow = new WorkflowStack(app, `${prefix}-workflow`, {
    env,
    config,
    data,
    description: `tierdesk ${config.envName}: per-ticket SLA workflow (Step Functions), its tasks and reconciler`,
  });
  const api = new ApiStack(app, `${prefix}-api`, {
    env,
    config,
    data,
    ticketWorkflow: workflow.ticketSla,
    description: `tierdesk ${config.envName}: HTTP API, Cognito, ticket functions`,
  });
  // The API refers to the state machine by its name-derived ARN (no export), so order the deployment here:
  // tickets accepted before the state machine exists would wait for the reconciler.
  api.addStackDependency(workflow, 'the API starts and wakes SLA workflows');
  const mail = new MailStack(app, `${prefix}-mail`, {
    env,
    config,
    data,
    ticketWorkflow: workflow.ticketSla,
    publicBaseUrl: config.publicBaseUrl ?? EXAMPLE_PUBLIC_BASE_URL,
    description: `tierdesk ${config.envName}: SES receipt rules, inbound mail bucket, mail functions and feedback`,
  });
  if (!config.publicBaseUrl) {
    Annotations.of(mail).addWarningV2(
      'tierdesk:publicBaseUrl',
      `Set publicBaseUrl for ${config.envName}: survey links in closure mail point at ${EXAMPLE_PUBLIC_BASE_URL}.`,
    );
  }
  // Routes that need the mail stack: the survey and status routes (the survey secret, the public URL) and
  // the suspended-mail routes (raw MIME in the inbound bucket).
  api.addRoutesNeedingMail({
    secrets: { survey: mail.surveySecret },
    publicBaseUrl: config.publicBaseUrl ?? EXAMPLE_PUBLIC_BASE_URL,
    inboundMailBucket: mail.inboundBucket,
  });
  // API routes that send mail themselves (a consent request with its signed links).
  for (const route of API_ROUTES.filter((r) => r.access.sendMail))
    mail.grantSendMail(api.functions[route.id]!);
  for (const route of API_ROUTES.filter((r) => r.access.sendOwnMail))
    mail.grantSendOwnMail(api.functions[route.id]!);
  // The workflow's Apply step sends the mail its SLA actions cause (and agents' replies) right after its write.
  // (The mail stack grants its own functions; the workflow stack exists before the mail stack.)
  for (const entry of ASYNC_FUNCTIONS.filter((f) => f.access.sendMail && f.home === 'workflow')) {
    mail.grantSendMail(workflow.functions[entry.id as keyof WorkflowStack['functions']]);
  }
  // Abuse protection in front of the API (docs/decisions.md, "Edge protection: CloudFront + WAF").
  let edge: EdgeStack | undefined;
  if (config.waf.enabled) {
    if (!env.region) {
      throw new ConfigError(
        `tierdesk:environments.${config.envName}.waf.enabled needs the Region at synth: set ` +
          `tierdesk:environments.${config.envName}.region (or AWS_REGION for the CDK CLI).`,
      );
    }
    edge = new EdgeStack(app, `${prefix}-edge`, {
      env: { ...env, region: EDGE_REGION },
      config,
      api: api.api,
      description: `tierdesk ${config.envName}: CloudFront and AWS WAF in front of the API (${EDGE_REGION})`,
    });
    edge.addStackDependency(api, 'CloudFront forwards to the HTTP API');
  }
  const schedules = new SchedulesStack(app, `${prefix}-schedules`, {
    env,
    config,
    data,
    description: `tierdesk ${config.envName}: retention purge, DSAR and billing-appeal deadline schedules, deadline sweep`,
  });
  // API routes create schedules that invoke the deadline function (by its fixed name): deploy it first.
  api.addStackDependency(schedules, 'DSAR and appeal routes schedule the deadline function');
  const ops = new OpsStack(app, `${prefix}-ops`, {
    env,
    config,
    data,
    api: api.api,
    description: `tierdesk ${config.envName}: ops console (S3 + CloudFront) and post-incident review sweep`,
  });
  ops.addStackDependency(api, 'CloudFront forwards the console API paths to the HTTP API');
  // Keep this last: the dashboard shows the resources of every stack created before it, and every alarm of
  // the app notifies its topic.
  const observability = new ObservabilityStack(app, `${prefix}-observability`, {
    env,
    config,
    api: api.api,
    app,
    description: `tierdesk ${config.envName}: alarm topic, alarms and dashboard`,
  });
  // Deployed after the regional stacks whether or not a dashboard names their resources: the alarms it adds
  // read their queues and tables, and the alarm topic is the last thing an environment gets.
  for (const stack of [data, workflow, api, mail, schedules, ops])
    observability.addStackDependency(stack, 'alarms and the dashboard read the other stacks');
  routeAlarmsToTopic(app, observability, config);
  return { config, data, workflow, api, mail, schedules, edge, observability, ops };
}

/**
 * Runs the cdk-nag AwsSolutions rules on every synth: any finding that is not acknowledged (each with its
 * reason, next to the resource it concerns) fails `cdk synth`.
 */
export function enableCdkNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
