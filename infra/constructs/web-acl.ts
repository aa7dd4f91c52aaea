import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MAX_BODY_BYTES } from '#shared/http/request.ts';

/**
 * A Content-Length header value above `limit` bytes, as a regular expression (AWS WAF compares strings, not
 * numbers; size constraints on the body only see the first 16 KB behind CloudFront). Numbers with leading
 * zeros are not produced by HTTP clients and are left to the handler's own limit.
 */
export function contentLengthAbove(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`bad limit ${limit}`);
  const digits = String(limit);
  const alternatives: string[] = [];
  // Same number of digits, larger: keep a prefix of `digits`, then a bigger digit, then anything.
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    if (digit === 9) continue;
    const rest = digits.length - i - 1;
    const bigger = digit + 1 === 9 ? '9' : `[${digit + 1}-9]`;
    alternatives.push(`${digits.slice(0, i)}${bigger}${rest > 0 ? `\\d{${rest}}` : ''}`);
  }
  // More digits than the limit has.
  alternatives.push(`[1-9]\\d{${digits.length},}`);
  return `^(${alternatives.join('|')})$`;
}

/** The environment's web ACLs: `api` in front of the API (CloudFront, us-east-1), `sign-in` on the user pool. */
export function webAclName(config: { readonly envName: string }, which: 'api' | 'sign-in'): string {
  return `tierdesk-${config.envName}-${which}`;
}

/** Problem+json bodies WAF answers with (it can only label them application/json). */
const RESPONSE_BODIES = {
  'too-many-requests': {
    contentType: 'APPLICATION_JSON',
    content: JSON.stringify({
      type: '/problems/rate-limited',
      title: 'Too many requests',
      status: 429,
      detail: 'This client sent too many requests; retry after a few minutes.',
    }),
  },
  'payload-too-large': {
    contentType: 'APPLICATION_JSON',
    content: JSON.stringify({
      type: '/problems/payload-too-large',
      title: 'Payload too large',
      status: 413,
      detail: `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
    }),
  },
} as const;

export interface RateLimitedWebAclProps {
  /** Web ACL name; the log group is `aws-waf-logs-<name>`. */
  readonly name: string;
  /** REGIONAL (Cognito user pool) or CLOUDFRONT (must be created in us-east-1). */
  readonly scope: 'REGIONAL' | 'CLOUDFRONT';
  readonly description: string;
  /** Requests per client IP per 5 minutes before WAF answers 429. */
  readonly ipRateLimitPer5Minutes: number;
  /**
   * API only: requests per `Authorization` header value (one bearer token, so one user or machine client) per
   * 5 minutes, the AWS managed common and known-bad-inputs rule groups, and a 413 for a Content-Length above
   * the handlers' body limit.
   */
  readonly api?: { readonly tokenRateLimitPer5Minutes: number };
  readonly logRetention: number;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Customer-managed key of the log group; its policy must admit CloudWatch Logs of the log group's Region. */
  readonly logEncryptionKey: IKey;
  /** ARN of a regional resource to protect (a Cognito user pool); CloudFront names the ACL itself. */
  readonly associateWith?: string;
}

/**
 * An AWS WAF web ACL with IP reputation, per-client rate limits (429 with a problem body) and, for the API,
 * AWS managed rule groups and a request-size rule; every request logged to an encrypted CloudWatch log group
 * with the `Authorization` header redacted (bearer tokens never reach a log).
 */
export class RateLimitedWebAcl extends Construct {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: RateLimitedWebAclProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.name}-${metricName}`,
    });
    const block = (responseCode: 413 | 429, body: keyof typeof RESPONSE_BODIES) => ({
      block: { customResponse: { responseCode, customResponseBodyKey: body } },
    });
    const managed = (name: string, priority: number, overrides: string[] = []) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ...(overrides.length > 0
            ? { ruleActionOverrides: overrides.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
            : {}),
        },
      },
      visibilityConfig: visibility(name),
    });

    const rules: CfnWebACL.RuleProperty[] = [
      managed('AWSManagedRulesAmazonIpReputationList', 0),
      {
        name: 'RatePerIp',
        priority: 1,
        action: block(429, 'too-many-requests'),
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: props.ipRateLimitPer5Minutes,
            evaluationWindowSec: 300,
          },
        },
        visibilityConfig: visibility('RatePerIp'),
      },
    ];
    if (props.api) {
      rules.push(
        {
          // One bearer token = one user or machine client. Requests without the header are not counted here
          // (the per-IP rule covers them, and the JWT authorizer rejects them).
          name: 'RatePerToken',
          priority: 2,
          action: block(429, 'too-many-requests'),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [
                { header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } },
              ],
              limit: props.api.tokenRateLimitPer5Minutes,
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility('RatePerToken'),
        },
        {
          name: 'RequestTooLarge',
          priority: 3,
          action: block(413, 'payload-too-large'),
          statement: {
            regexMatchStatement: {
              regexString: contentLengthAbove(MAX_BODY_BYTES),
              fieldToMatch: { singleHeader: { Name: 'content-length' } },
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          visibilityConfig: visibility('RequestTooLarge'),
        },
        // SizeRestrictions_BODY blocks bodies over 8 KB; tickets may carry up to 256 KiB, which the handlers
        // bound themselves, so that one rule only counts.
        managed('AWSManagedRulesCommonRuleSet', 4, ['SizeRestrictions_BODY']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 5),
      );
    }

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: props.scope,
      description: props.description,
      defaultAction: { allow: {} },
      // Only the bodies some rule answers with (WAF bills and validates each).
      customResponseBodies: props.api
        ? RESPONSE_BODIES
        : { 'too-many-requests': RESPONSE_BODIES['too-many-requests'] },
      rules,
      visibilityConfig: visibility('all'),
    });

    const logGroupName = `aws-waf-logs-${props.name}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName,
      retention: props.logRetention as RetentionDays,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.logRemovalPolicy,
    });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the `:*` suffix `LogGroup.logGroupArn` carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
    logging.node.addDependency(this.logGroup);

    if (props.associateWith) {
      new CfnWebACLAssociation(this, 'Association', {
        resourceArn: props.associateWith,
        webAclArn: this.webAcl.attrArn,
      });
    }
  }
}
