import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  type App,
  Aspects,
  type IAspect,
  type IPolicyValidationContextBeta1,
  Validations,
} from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';
import type { DeploymentConfig } from './config.ts';

/**
 * AWS Control Tower's proactive controls, checked on every `cdk synth` (docs/security.md, "Control Tower
 * proactive controls"): the cfn-guard rules `@cdklabs/cdk-validator-cfnguard` ships, run by its bundled
 * cfn-guard binary (offline). A failing rule fails synth unless it is acknowledged with its reason, on the
 * construct it concerns or, for decisions that hold for the whole app, here.
 */
export const GUARD_PLUGIN = 'cdk-validator-cfnguard';

/** The guard rules tierdesk acknowledges somewhere (rule name = the cfn-guard rule, id = the control). */
export type GuardRule =
  | 'api_gw_v2_authorization_type_configured_check' // CT.APIGATEWAY.PR.5
  | 'cloudfront_default_root_object_configured_check' // CT.CLOUDFRONT.PR.1
  | 'cloudfront_custom_ssl_certificate_check' // CT.CLOUDFRONT.PR.6
  | 'cloudfront_origin_failover_enabled_check' // CT.CLOUDFRONT.PR.4
  | 'cloudfront_security_policy_check' // CT.CLOUDFRONT.PR.9
  | 'cloudfront_sni_enabled_check' // CT.CLOUDFRONT.PR.7
  | 'cloudwatch_log_group_encrypted_check' // CT.CLOUDWATCH.PR.3
  | 'cloudwatch_log_group_retention_period_check' // CT.CLOUDWATCH.PR.2
  | 'lambda_function_public_access_prohibited_check' // CT.LAMBDA.PR.2
  | 'lambda_inside_vpc_check' // CT.LAMBDA.PR.3
  | 's3_bucket_default_encryption_kms_check' // CT.S3.PR.10
  | 's3_bucket_logging_enabled_check' // CT.S3.PR.2
  | 's3_bucket_object_lock_enabled_check' // CT.S3.PR.9
  | 's3_bucket_versioning_enabled_check' // CT.S3.PR.11
  | 's3_event_notifications_enabled_check' // CT.S3.PR.4
  | 'sqs_queue_encrypted_check' // CT.SQS.PR.2
  | 'step_functions_state_machine_tracing_enabled_check'; // CT.STEPFUNCTIONS.PR.2

/** Acknowledges a failing Control Tower rule on `scope` and everything below it, with the reason. */
export function acknowledgeGuardRule(scope: IConstruct, rule: GuardRule, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${GUARD_PLUGIN}::${rule}`, reason });
}

/**
 * CT.KMS.PR.3: only AWS services may create grants on tierdesk's keys (DynamoDB does, for the table's
 * key); a principal of the account with kms:CreateGrant cannot hand a key's use to someone else.
 */
class RestrictKeyGrantsToAwsServices implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof Key)) return;
    node.addToResourcePolicy(
      new PolicyStatement({
        sid: 'GrantsForAwsServicesOnly',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
  }
}

/** Hardening every environment gets, whether or not the checks run (added by `addTierdeskStacks`). */
export function applyControlTowerHardening(app: App): void {
  Aspects.of(app).add(new RestrictKeyGrantsToAwsServices());
}

/**
 * The cfn-guard validator over the nested stacks' templates too: CDK hands a validation plugin the
 * top-level templates only, and the API's route groups are nested stacks (their templates lie beside
 * the others in the cloud assembly, `*.nested.template.json`).
 */
export class GuardValidatorWithNestedStacks extends CfnGuardValidator {
  override validate(context: IPolicyValidationContextBeta1) {
    const dirs = new Set(context.templatePaths.map((path) => dirname(path)));
    const nested = [...dirs].flatMap((dir) =>
      readdirSync(dir)
        .filter((file) => file.endsWith('.nested.template.json'))
        .map((file) => join(dir, file)),
    );
    return super.validate({ ...context, templatePaths: [...context.templatePaths, ...nested] });
  }
}

/**
 * Runs the Control Tower rules on every synth, with the app-wide decisions acknowledged. Each reason is
 * a row of docs/security.md ("Control Tower proactive controls").
 */
export function enableControlTowerChecks(app: App, config: DeploymentConfig): void {
  Validations.of(app).addPlugins(new GuardValidatorWithNestedStacks({ controlTowerRulesEnabled: true }));
  acknowledgeGuardRule(
    app,
    'lambda_inside_vpc_check',
    'No function needs a private network: every dependency (DynamoDB, S3, Step Functions, SES, Scheduler, ' +
      'KMS, CloudWatch) is an AWS API reached over TLS with IAM. A VPC would need NAT gateways or interface ' +
      'endpoints per Availability Zone, billed by the hour, for no data path that is not already private.',
  );
  acknowledgeGuardRule(
    app,
    'cloudwatch_log_group_encrypted_check',
    'Every log group is encrypted with a customer-managed key (test/infra asserts KmsKeyId on all of them); ' +
      'most use the logs key of the data stack through Fn::ImportValue, which the rule cannot follow (it ' +
      'accepts a literal ARN or a reference inside the same template only).',
  );
  acknowledgeGuardRule(
    app,
    'sqs_queue_encrypted_check',
    'Every queue is encrypted (test/infra asserts it): function dead-letter queues with the data key of the ' +
      'data stack through Fn::ImportValue, which the rule cannot follow; schedule dead-letter queues with ' +
      'SQS-managed keys.',
  );
  acknowledgeGuardRule(
    app,
    's3_bucket_object_lock_enabled_check',
    'Object Lock would forbid what the compliance features must do: the retention purge and DSAR erasure ' +
      'delete ticket bodies, attachments and inbound mail on schedule. Versioning with expiry of old ' +
      'versions protects against accidental overwrites instead.',
  );
  acknowledgeGuardRule(
    app,
    's3_event_notifications_enabled_check',
    'No process consumes bucket events: mail arrives through SES receipt rules that invoke the function ' +
      'directly, and bodies are written and read by the API. Notifications to nowhere would add CDK’s ' +
      'notification custom resource (another function) and nothing else.',
  );
  acknowledgeGuardRule(
    app,
    'cloudfront_origin_failover_enabled_check',
    'One Region, one API: an origin group needs a second origin that serves the same data, i.e. a second ' +
      'Regional deployment with a replicated table. Out of scope for a single-Region product; CloudFront ' +
      'and API Gateway are both Regional-resilient services across Availability Zones.',
  );

  if (config.logRetentionDays < 365) {
    acknowledgeGuardRule(
      app,
      'cloudwatch_log_group_retention_period_check',
      `${config.envName} keeps logs ${config.logRetentionDays} days (logRetentionDays): it holds test ` +
        'tickets only. Environments that keep data set 365 days, which passes this rule.',
    );
  }
}

/**
 * A bucket that receives S3 server access logs or CloudFront standard logs: S3 and CloudFront cannot write
 * those to an SSE-KMS bucket, logging a log bucket would need yet another one, and its objects are written
 * once and expire after the log retention (versions would only keep deleted logs longer).
 */
export function acknowledgeAccessLogBucket(bucket: IConstruct): void {
  acknowledgeGuardRule(
    bucket,
    's3_bucket_default_encryption_kms_check',
    'A log target bucket: S3 server access logs and CloudFront standard logs can only be delivered to ' +
      'buckets with SSE-S3 (AES-256), not SSE-KMS.',
  );
  acknowledgeGuardRule(
    bucket,
    's3_bucket_logging_enabled_check',
    'This bucket is itself the access-log target; logging it would need another bucket, whose own access ' +
      'would go unlogged in turn. It is private, TLS-only and expires objects after the log retention.',
  );
  acknowledgeGuardRule(
    bucket,
    's3_bucket_versioning_enabled_check',
    'Log objects are written once by S3 or CloudFront and only removed by the retention lifecycle rule; ' +
      'versioning would keep expired logs (and their cost) longer without protecting anything.',
  );
}

/**
 * A CloudFront distribution on its default `*.cloudfront.net` name: CloudFront serves that name with its
 * own certificate, whose security policy it fixes at TLSv1 and which uses SNI and a dedicated IP for no one.
 * A custom domain with an ACM certificate gets TLSv1.2_2021 with SNI (the edge stack's `waf.customDomain`).
 */
export function acknowledgeDefaultCloudFrontCertificate(distribution: IConstruct, howToFix: string): void {
  const reason =
    'The distribution is served on its *.cloudfront.net name with CloudFront’s default certificate (TLSv1 ' +
    `policy fixed by CloudFront, no custom certificate, no SNI setting). ${howToFix}`;
  acknowledgeGuardRule(distribution, 'cloudfront_custom_ssl_certificate_check', reason);
  acknowledgeGuardRule(distribution, 'cloudfront_sni_enabled_check', reason);
  acknowledgeGuardRule(distribution, 'cloudfront_security_policy_check', reason);
}
