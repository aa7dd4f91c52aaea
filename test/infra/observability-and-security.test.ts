import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '#shared/observability/metrics.ts';
import { parseDeploymentConfig } from '../../infra/config.ts';
import { AppFunction } from '../../infra/constructs/app-function.ts';
import {
  alarmTopicName,
  ObservabilityStack,
  routeAlarmsToTopic,
} from '../../infra/stacks/observability-stack.ts';
import { type BuiltApp, buildApp, CDK_JSON_CONTEXT } from './infra-app.ts';

const builds = { dev: buildApp('dev'), prod: buildApp('prod') };

type Resource = {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  DependsOn?: string[];
};
/** Every resource of every stack of the app (this includes stacks other features add later). */
function everyResource(
  built: BuiltApp,
  type: string,
): Array<{ stack: string; id: string; resource: Resource }> {
  return built.allTemplates.flatMap(({ stack, template }) =>
    Object.entries(template.findResources(type) as Record<string, Resource>).map(([id, resource]) => ({
      // A nested stack (the API's route groups) is named after the stack that deploys it.
      stack: (stack.nestedStackParent ?? stack).stackName,
      id,
      resource,
    })),
  );
}
/** The metric arrays of a dashboard, from its body with CloudFormation references blanked out. */
function dashboardMetrics(template: Template): unknown[][] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const parts = dashboard?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'ref')).join(''));
  return body.widgets.flatMap((w: { properties: { metrics?: unknown[][] } }) => w.properties.metrics ?? []);
}
const statementsOf = (policy: Resource): Array<Record<string, any>> =>
  [policy.Properties.PolicyDocument?.Statement ?? []].flat();

describe.each(['dev', 'prod'] as const)('observability, %s', (envName) => {
  const built = builds[envName];
  const template = built.observabilityTemplate;
  const topicName = `tierdesk-${envName}-alarms`;

  it('has a KMS-encrypted, TLS-only alarm topic that this account’s CloudWatch alarms may publish to', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: topicName,
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
    expect(alarmTopicName(built.config)).toBe(topicName);
  });

  it('sends the ALARM and OK transitions of every alarm in every stack to the topic', () => {
    const alarms = everyResource(built, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(20);
    for (const { stack, id, resource } of alarms) {
      expect(stack).toMatch(new RegExp(`^tierdesk-${envName}-`));
      for (const key of ['AlarmActions', 'OKActions']) {
        const actions = resource.Properties[key];
        expect(actions, `${id} ${key}`).toHaveLength(1);
        // arn:<partition>:sns:<region>:<account>:tierdesk-<env>-alarms, spelled with the stack's pseudo parameters.
        expect(JSON.stringify(actions), `${id} ${key}`).toMatch(
          new RegExp(`:sns:.*:${topicName}"\\]\\]\\}\\]$`),
        );
      }
    }
  });

  it('alarms on the depth of every queue (all dead-letter queues), in its own stack or here', () => {
    const depthAlarms = everyResource(built, 'AWS::CloudWatch::Alarm').filter(
      ({ resource }) => resource.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    for (const { stack, id } of everyResource(built, 'AWS::SQS::Queue')) {
      const watched = depthAlarms.some(({ stack: alarmStack, resource }) => {
        const dimension = JSON.stringify(resource.Properties.Dimensions);
        // Same stack: a GetAtt of the queue; the observability stack: a weak reference naming it.
        return alarmStack === stack
          ? dimension.includes(`"${id}"`)
          : dimension.includes(`"StackName":"${stack}"`) && dimension.includes(`FnGetAtt${id}QueueName`);
      });
      expect(watched, `${stack} ${id}`).toBe(true);
    }
  });

  it('alarms on API 5xx, table throttles, failed notices and the Region’s Lambda errors, once each', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Threshold: 5,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'reads + writes' })]),
    });
    // One alarm without a desk dimension: the line it counts names the desk.
    const noticesFailed = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'NoticesFailed' } }),
    );
    expect(noticesFailed).toHaveLength(1);
    expect(noticesFailed[0]?.Properties).toMatchObject({ Namespace: 'tierdesk', Threshold: 1 });
    expect(noticesFailed[0]?.Properties.Dimensions).toBeUndefined();
    // Every function's errors: the Region-wide metric, no alarm per function anywhere.
    const errors = everyResource(built, 'AWS::CloudWatch::Alarm').filter(
      ({ resource }) => resource.Properties.MetricName === 'Errors',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.resource.Properties).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1 });
    expect(errors[0]?.resource.Properties.Dimensions).toBeUndefined();
  });

  it.runIf(envName === 'dev')(
    'has no dashboard unless observability.dashboard asks for one (dev: none)',
    () => {
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    },
  );

  it.runIf(envName === 'prod')(
    'shows every function, the workflow, table throttles, every queue and the published EMF metrics',
    () => {
      const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
      expect(dashboard?.Properties.DashboardName).toBe(`tierdesk-${envName}`);
      const body = JSON.stringify(dashboard?.Properties.DashboardBody);
      const functions = built.app.node.findAll().filter((c): c is AppFunction => c instanceof AppFunction);
      const regional = functions.filter((fn) => Stack.of(fn) !== built.edge);
      expect(regional.length).toBeGreaterThan(15);
      for (const fn of regional) {
        expect(body, fn.node.path).toContain(`\\"label\\":\\"${fn.node.id}\\"`);
      }
      expect(body.match(/AWS\/Lambda\\",\\"Errors/g)).toHaveLength(regional.length);
      expect(body.match(/AWS\/Lambda\\",\\"Duration/g)).toHaveLength(regional.length);
      for (const metric of ['ExecutionsStarted', 'ExecutionsFailed', 'ExecutionsTimedOut']) {
        expect(body).toContain(`AWS/States\\",\\"${metric}`);
      }
      for (const metric of ['ReadThrottleEvents', 'WriteThrottleEvents']) expect(body).toContain(metric);
      for (const metric of ['4xx', '5xx', 'Latency'])
        expect(body).toContain(`AWS/ApiGateway\\",\\"${metric}`);
      const queues = everyResource(built, 'AWS::SQS::Queue').filter(
        ({ stack }) => stack !== built.edge?.stackName,
      );
      expect(body.match(/ApproximateNumberOfMessagesVisible/g)).toHaveLength(queues.length);
      // prod publishes every metric once (observability.metrics "all"): no desk dimension.
      for (const name of METRIC_NAMES) expect(body).toContain(`\\"tierdesk\\",\\"${name}\\"`);
      expect(body).not.toContain(`\\"desk\\"`);
    },
  );

  it.runIf(envName === 'prod')('graphs both web ACLs (prod: WAF on)', () => {
    const waf = dashboardMetrics(template).filter((metric) => metric[0] === 'AWS/WAFV2');
    const described = waf.map((metric) => {
      const dimensions = Object.fromEntries(
        metric.slice(2, -1).flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : [])),
      );
      return { name: metric[1], ...dimensions, region: (metric.at(-1) as { region?: string }).region };
    });
    expect(described).toEqual(
      expect.arrayContaining([
        { name: 'BlockedRequests', WebACL: 'tierdesk-prod-api', Rule: 'ALL', region: 'us-east-1' },
        {
          name: 'BlockedRequests',
          WebACL: 'tierdesk-prod-sign-in',
          Rule: 'ALL',
          Region: 'eu-west-1',
          region: undefined,
        },
      ]),
    );
  });

  it('reads other stacks through weak references (no export locks them) and deploys after them', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(template.toJSON())).toContain('Fn::GetStackOutput');
    const others = built.allTemplates
      .map(({ stack }) => stack)
      .filter((s) => s !== built.observability && s !== built.edge && !s.nested);
    for (const stack of others) expect(built.observability.dependencies).toContain(stack);
    // Created last, so nothing it shows was added after it.
    expect(built.app.node.children.filter((c) => Stack.isStack(c)).at(-1)).toBe(built.observability);
  });
});

describe('alarm routing and the topic subscription', () => {
  const config = parseDeploymentConfig('dev', {
    dev: { removeDataOnDelete: true, logRetentionDays: 30, alarmEmail: 'oncall@example.com' },
  });
  const small = (otherRegion?: string) => {
    const app = new App();
    const home = new Stack(app, 'Home', { env: { region: 'eu-west-1' } });
    const api = new HttpApi(home, 'Api');
    const elsewhere = new Stack(app, 'Elsewhere', { env: { region: otherRegion ?? 'eu-west-1' } });
    new Alarm(elsewhere, 'Alarm', {
      metric: new Metric({ namespace: 'x', metricName: 'y', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    const observability = new ObservabilityStack(app, 'Observability', {
      env: { region: 'eu-west-1' },
      config,
      api,
      app,
    });
    routeAlarmsToTopic(app, observability, config);
    return { app, observability, elsewhere };
  };

  it('subscribes the configured address and routes alarms of any stack in the Region', () => {
    const { observability, elsewhere } = small();
    Template.fromStack(observability).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    Template.fromStack(elsewhere).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
    });
  });

  it('fails synth for an alarm in another Region, which could never reach the topic', () => {
    const { app } = small('us-east-1');
    expect(() => app.synth()).toThrow(/cannot notify tierdesk-dev-alarms/);
  });
});

describe.each(['dev', 'prod'] as const)('security properties of every stack, %s', (envName) => {
  const built = builds[envName];

  it('grants no IAM action with a wildcard, anywhere', () => {
    const policies = [
      ...everyResource(built, 'AWS::IAM::Policy').flatMap(({ id, resource }) =>
        statementsOf(resource).map((s) => ({ id, s })),
      ),
      ...everyResource(built, 'AWS::IAM::Role').flatMap(({ id, resource }) =>
        (resource.Properties.Policies ?? []).flatMap((p: Resource['Properties']) =>
          [p.PolicyDocument.Statement].flat().map((s: Record<string, any>) => ({ id, s })),
        ),
      ),
    ];
    expect(policies.length).toBeGreaterThan(30);
    for (const { id, s } of policies) {
      if (s.Effect !== 'Allow') continue;
      expect(
        [s.Action].flat().filter((a: string) => a.includes('*')),
        id,
      ).toEqual([]);
    }
  });

  it('encrypts every log group with a customer-managed key and gives it a retention', () => {
    const logGroups = everyResource(built, 'AWS::Logs::LogGroup');
    expect(logGroups.length).toBeGreaterThan(10);
    for (const { id, resource } of logGroups) {
      expect(resource.Properties.KmsKeyId, id).toBeDefined();
      expect(resource.Properties.RetentionInDays, id).toBe(envName === 'prod' ? 365 : 30);
    }
  });

  it('encrypts tables, data buckets, queues and topics with customer-managed keys (documented exceptions aside)', () => {
    for (const { id, resource } of everyResource(built, 'AWS::DynamoDB::Table')) {
      expect(resource.Properties.SSESpecification, id).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
      expect(resource.Properties.SSESpecification.KMSMasterKeyId, id).toBeDefined();
      expect(resource.Properties.PointInTimeRecoverySpecification, id).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    }
    for (const { id, resource } of everyResource(built, 'AWS::S3::Bucket')) {
      const [rule] = resource.Properties.BucketEncryption.ServerSideEncryptionConfiguration;
      // Log delivery (S3 server access logs, CloudFront standard logs) cannot write to SSE-KMS buckets; the
      // ops console's static files are public by design (docs/decisions.md).
      const expected = id.startsWith('AccessLogs') || id.startsWith('Console') ? 'AES256' : 'aws:kms';
      expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm, id).toBe(expected);
      if (expected === 'aws:kms') expect(rule.ServerSideEncryptionByDefault.KMSMasterKeyID, id).toBeDefined();
    }
    for (const { id, resource } of everyResource(built, 'AWS::SQS::Queue')) {
      // EventBridge schedule DLQs hold schedule envelopes only (docs/decisions.md): SQS-managed keys.
      if (/ScheduleDeadLetterQueue/.test(id)) expect(resource.Properties.SqsManagedSseEnabled, id).toBe(true);
      else expect(resource.Properties.KmsMasterKeyId, id).toBeDefined();
    }
    for (const { id, resource } of everyResource(built, 'AWS::SNS::Topic')) {
      expect(resource.Properties.KmsMasterKeyId, id).toBeDefined();
    }
    for (const { id, resource } of everyResource(built, 'AWS::KMS::Key')) {
      expect(resource.Properties.EnableKeyRotation, id).toBe(true);
    }
  });

  it('refuses plain HTTP on every bucket, queue and topic', () => {
    const deniesInsecure = (policies: Array<{ resource: Resource }>, target: string, type: string) => {
      const targets = everyResource(built, type).map(({ id }) => id);
      for (const id of targets) {
        const covered = policies.some(({ resource }) => {
          const refs = JSON.stringify(resource.Properties[target]);
          return (
            refs.includes(`"${id}"`) &&
            statementsOf(resource).some(
              (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
            )
          );
        });
        expect(covered, `${type} ${id}`).toBe(true);
      }
    };
    deniesInsecure(everyResource(built, 'AWS::S3::BucketPolicy'), 'Bucket', 'AWS::S3::Bucket');
    deniesInsecure(everyResource(built, 'AWS::SQS::QueuePolicy'), 'Queues', 'AWS::SQS::Queue');
    deniesInsecure(everyResource(built, 'AWS::SNS::TopicPolicy'), 'Topics', 'AWS::SNS::Topic');
  });

  it(
    envName === 'prod' ? 'keeps all data when a stack is deleted' : 'deletes dev data with its stacks',
    () => {
      const policy = envName === 'prod' ? 'Retain' : 'Delete';
      for (const type of [
        'AWS::DynamoDB::Table',
        'AWS::S3::Bucket',
        'AWS::KMS::Key',
        'AWS::Logs::LogGroup',
        'AWS::Cognito::UserPool',
        'AWS::StepFunctions::StateMachine',
      ]) {
        for (const { id, resource } of everyResource(built, type))
          expect(resource.DeletionPolicy, `${type} ${id}`).toBe(policy);
      }
    },
  );

  it('locks no stack to the observability or edge stacks with a CloudFormation export', () => {
    // Those two read others weakly and are read by nobody: alarms name the topic by its fixed ARN.
    for (const { stack, template } of built.allTemplates) {
      const imports = JSON.stringify(template.toJSON()).match(/"Fn::ImportValue":"[^"]+"/g) ?? [];
      for (const value of imports) {
        expect(value, stack.stackName).not.toMatch(new RegExp(`tierdesk-${envName}-(observability|edge)`));
      }
    }
    const outputs = Object.keys(built.observabilityTemplate.toJSON().Outputs ?? {});
    expect(outputs.filter((name) => name.startsWith('ExportsOutput'))).toEqual([]);
  });
});

describe('cdk.json', () => {
  it('turns WAF on in prod, pinned to a Region, and leaves dev without it', () => {
    const environments = CDK_JSON_CONTEXT['tierdesk:environments'] as Record<string, any>;
    expect(environments.prod.waf.enabled).toBe(true);
    expect(environments.prod.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(environments.dev.waf).toBeUndefined();
  });
});

describe('what the workflows log and trace, per environment', () => {
  // A debugging session's environment: the full history with execution data, and traces.
  const debugging = buildApp('dev', {
    'tierdesk:environments': {
      dev: {
        removeDataOnDelete: true,
        logRetentionDays: 30,
        observability: { workflowLogLevel: 'ALL', workflowLogExecutionData: true, tracing: true },
      },
    },
  });
  const envBuilds = { ...builds, debugging };
  const expected = {
    // dev and prod: failures only, without execution data (task tokens, ticket content); no X-Ray bill.
    dev: { Level: 'ERROR', IncludeExecutionData: false, tracing: false },
    prod: { Level: 'ERROR', IncludeExecutionData: false, tracing: false },
    debugging: { Level: 'ALL', IncludeExecutionData: true, tracing: true },
  } as const;

  it.each(['dev', 'prod', 'debugging'] as const)(
    '%s: every state machine logs at its level and traces as configured',
    (env) => {
      const machines = everyResource(envBuilds[env], 'AWS::StepFunctions::StateMachine');
      expect(machines.length).toBeGreaterThanOrEqual(2);
      for (const { id, resource } of machines) {
        expect(resource.Properties.LoggingConfiguration, id).toMatchObject({
          Level: expected[env].Level,
          IncludeExecutionData: expected[env].IncludeExecutionData,
        });
        expect(resource.Properties.TracingConfiguration, id).toEqual({ Enabled: expected[env].tracing });
      }
    },
  );

  it.each(['dev', 'prod', 'debugging'] as const)(
    '%s: every tierdesk function traces with X-Ray as configured',
    (env) => {
      const functions = everyResource(envBuilds[env], 'AWS::Lambda::Function').filter(
        ({ resource }) => resource.Properties.Environment?.Variables?.SERVICE_NAME === 'tierdesk',
      );
      expect(functions.length).toBeGreaterThan(40);
      for (const { id, resource } of functions) {
        expect(resource.Properties.TracingConfig?.Mode === 'Active', id).toBe(expected[env].tracing);
      }
    },
  );
});
