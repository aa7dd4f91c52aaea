import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OPS_CONSOLE_CSP } from '#shared/ops/console-site.ts';
import { OPS_CONSOLE_API_PATHS } from '../../infra/stacks/ops-stack.ts';
import { actionsOfFunction, buildApp } from './infra-app.ts';

const built = buildApp('dev');
const template = Template.fromStack(built.ops);

type Resource = { Type: string; Properties: Record<string, any> };
const resources = (type: string) => Object.values(template.findResources(type)) as Resource[];
const distribution = () => resources('AWS::CloudFront::Distribution')[0]!.Properties.DistributionConfig;

describe('OpsStack: the console on S3 + CloudFront', () => {
  it('keeps the files in a private, SSE-S3, TLS-only bucket that only CloudFront reads (OAC), with no key of its own', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'console-bucket/' }),
    });
    // The console's static files are public by design: no customer-managed key in this stack.
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    const policies = resources('AWS::S3::BucketPolicy').flatMap((p) => p.Properties.PolicyDocument.Statement);
    const cloudfrontRead = policies.find((s: any) => s.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(cloudfrontRead).toMatchObject({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    expect(resources('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
  });

  it('serves HTTPS only, with the same security headers the local stack sends', () => {
    const config = distribution();
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    for (const behavior of config.CacheBehaviors) expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: {
          ContentSecurityPolicy: { ContentSecurityPolicy: OPS_CONSOLE_CSP, Override: true },
          StrictTransportSecurity: Match.objectLike({
            AccessControlMaxAgeSec: 63_072_000,
            IncludeSubdomains: true,
          }),
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        },
      }),
    });
    expect(OPS_CONSOLE_CSP).toContain("script-src 'self'");
    expect(OPS_CONSOLE_CSP).not.toContain('unsafe-inline');
  });

  it('forwards exactly the console’s API paths to the HTTP API, uncached, with the Authorization header', () => {
    const behaviors = distribution().CacheBehaviors as Array<Record<string, any>>;
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual([...OPS_CONSOLE_API_PATHS].sort());
    for (const b of behaviors) {
      expect(b.CachePolicyId, b.PathPattern).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
      expect(b.OriginRequestPolicyId, b.PathPattern).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // AllViewerExceptHostHeader
      expect(b.AllowedMethods, b.PathPattern).toContain('PATCH');
    }
    // Every API route the console calls is under one of those paths.
    const patterns = OPS_CONSOLE_API_PATHS.map((p) => new RegExp(`^${p.replace('*', '.*')}$`));
    for (const path of [
      '/queue',
      '/tickets/X/history',
      '/tickets/X/sla',
      '/kpis',
      '/incidents/X',
      '/desks/d/status.rss',
    ]) {
      expect(
        patterns.some((p) => p.test(path)),
        path,
      ).toBe(true);
    }
  });

  it('routes / and /ops to /ops/ and a folder to its index.html (the viewer-request function)', () => {
    const [fn] = resources('AWS::CloudFront::Function');
    const handler = new Function(`${fn!.Properties.FunctionCode}; return handler;`)() as (e: unknown) => any;
    const at = (uri: string) => handler({ request: { uri } });
    expect(at('/').headers.location.value).toBe('/ops/');
    expect(at('/ops')).toMatchObject({ statusCode: 301, headers: { location: { value: '/ops/' } } });
    expect(at('/ops/').uri).toBe('/ops/index.html');
    expect(at('/ops/app.js').uri).toBe('/ops/app.js');
  });

  it('copies the console with a role of exact actions, no wildcard, and invalidates only /ops/*', () => {
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { Description: Match.stringLikeRegexp('ops console files') },
    });
    const [roleId] = Object.keys(roles);
    const statements = resources('AWS::IAM::Policy')
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId!))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s: any) => [s.Action].flat()).sort();
    expect(actions).toEqual([
      'cloudfront:CreateInvalidation',
      'cloudfront:GetInvalidation',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:DeleteObject',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
    expect(roles[roleId!]!.Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'ops/',
      DistributionPaths: ['/ops/*'],
    });
  });
});

describe('OpsStack: the post-incident review sweep', () => {
  it('runs every 15 minutes with a dead-letter queue, and reads only what the sweep reads', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
    expect(actionsOfFunction(template, 'SweepIncidentReviews')).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        // Its own dead-letter queue, for events that failed every retry.
        'sqs:SendMessage',
      ].sort(),
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: {
              'Fn::Join': [
                '',
                [{ 'Fn::ImportValue': Match.stringLikeRegexp('Table') }, '/index/byDeskStatusDue-v2'],
              ],
            },
          },
        ]),
      },
    });
  });

  it('alarms when a review passes its due time (a metric from the sweep’s log line)', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.message = "post-incident review overdue" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'PostIncidentReviewsOverdue' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PostIncidentReviewsOverdue',
      Threshold: 1,
    });
  });
});

describe('OpsStack: synth warnings', () => {
  it('leaves no construct warning unacknowledged', () => {
    const warnings = Annotations.fromStack(built.ops).findWarning('*', Match.anyValue());
    expect(warnings.map((w) => `${w.id}: ${JSON.stringify(w.entry.data)}`)).toEqual([]);
  });
});
