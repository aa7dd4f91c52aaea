import { Duration } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { type FunctionAccess, SECRET_ENVIRONMENT, type SecretName } from '#functions/manifest/access.ts';
import type { AsyncFunctionEntry } from '#functions/manifest/async-functions.ts';
import type { Cadence } from '#functions/manifest/schedules.ts';
import {
  AppFunction,
  type AppFunctionSettings,
  type BindableBucket,
  type BindableSecret,
  type BindableStateMachine,
  type BindableTable,
} from './constructs/app-function.ts';
import { type ComplianceScheduling, grantDeadlineScheduling } from './stacks/schedules-stack.ts';

/** The deployed resources a manifest entry's `access` can name. */
export interface AccessTargets {
  readonly table: BindableTable;
  readonly bodyBucket: BindableBucket;
  readonly ticketWorkflow?: BindableStateMachine;
  readonly compliance?: ComplianceScheduling;
  /** The signing keyrings (`secrets` in the manifest), by name. */
  readonly secrets?: Partial<Readonly<Record<SecretName, BindableSecret>>>;
  readonly publicBaseUrl?: string;
  /** The bucket SES stores received mail in. */
  readonly inboundMailBucket?: BindableBucket;
  /** The deployment's desks (`DESKS`). */
  readonly desks?: readonly string[];
  /** The user pool read as the staff directory. */
  readonly userPool?: IUserPool;
}

/**
 * Turns a manifest entry's `access` into grants and environment variables on its function: exactly the
 * listed actions, nothing else. A field that names a resource the stack did not provide fails synth.
 * `sendMail` is granted by the mail stack once it exists (`MailStack.grantSendMail`, from
 * infra/tierdesk-app.ts, for every manifest function that asks for it).
 */
export function bindAccess(fn: AppFunction, access: FunctionAccess, targets: AccessTargets): void {
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${fn.node.path}: its manifest entry needs ${what}, not given here`);
    return value;
  };
  if (access.table) fn.bindTable(targets.table, access.table);
  for (const objects of access.bodies ?? []) fn.bindBucket(targets.bodyBucket, objects);
  if (access.bodyBucketName) fn.setEnvironment('BODY_BUCKET', targets.bodyBucket.bucketName);
  if (access.inboundMail) {
    fn.bindBucket(need(targets.inboundMailBucket, 'the inbound mail bucket'), {
      ...access.inboundMail,
      environmentVariable: 'MAIL_BUCKET',
    });
  }
  if (access.ticketWorkflow) {
    fn.bindStateMachine(need(targets.ticketWorkflow, 'the ticket workflow'), access.ticketWorkflow);
  }
  if (access.complianceSchedules)
    grantDeadlineScheduling(fn, need(targets.compliance, 'compliance scheduling'));
  for (const name of access.secrets ?? []) {
    fn.bindSecret(need(targets.secrets?.[name], `the ${name} secret`), SECRET_ENVIRONMENT[name]);
  }
  if (access.publicBaseUrl)
    fn.setEnvironment('PUBLIC_BASE_URL', need(targets.publicBaseUrl, 'the public base URL'));
  if (access.desks) fn.setEnvironment('DESKS', need(targets.desks, 'the desk list').join(','));
  if (access.inboundMailBucketName) {
    fn.setEnvironment('MAIL_BUCKET', need(targets.inboundMailBucket, 'the inbound mail bucket').bucketName);
  }
  if (access.staffDirectory) {
    fn.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser'],
        resources: [need(targets.userPool, 'the user pool').userPoolArn],
      }),
    );
  }
}

/**
 * Builds a manifest function (one not behind a route) in `scope` with its limits, dead-letter queue and
 * access. Its trigger is the owning stack's business: the stack holds the topic, rule or state machine.
 */
export function buildAsyncFunction(
  scope: Construct,
  entry: AsyncFunctionEntry,
  options: { settings: AppFunctionSettings; deadLetterKey: IKey; targets: AccessTargets },
): AppFunction {
  const fn = new AppFunction(scope, entry.id, {
    entry: entry.handler,
    description: entry.description,
    settings: options.settings,
    ...(entry.memoryMb ? { memorySize: entry.memoryMb } : {}),
    ...(entry.timeoutSeconds ? { timeout: Duration.seconds(entry.timeoutSeconds) } : {}),
    ...(entry.deadLetterQueue ? { deadLetterQueue: { encryptionKey: options.deadLetterKey } } : {}),
  });
  bindAccess(fn, entry.access, options.targets);
  return fn;
}

/** The EventBridge schedule of a manifest cadence. */
export function eventSchedule(cadence: Cadence): Schedule {
  if ('everyMinutes' in cadence) return Schedule.rate(Duration.minutes(cadence.everyMinutes));
  const { hour, minute } = cadence.dailyAtUtc;
  return Schedule.cron({ hour: String(hour), minute: String(minute) });
}
