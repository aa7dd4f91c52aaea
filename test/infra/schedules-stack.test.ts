import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '#functions/manifest/api-routes.ts';
import {
  complianceNames,
  RETENTION_PURGE_DEFINITION_FILE,
  RETENTION_PURGE_SUBSTITUTIONS,
} from '../../infra/stacks/schedules-stack.ts';
import { placeholdersOf, readDefinition } from '../../infra/state-machine-definition.ts';
import { actionsOfFunction, type BuiltApp, buildApp } from './infra-app.ts';

let built: BuiltApp;
let template: Template;
beforeAll(() => {
  built = buildApp('dev');
  template = built.allTemplates.find(({ stack }) => stack === built.schedules)!.template;
}, 120_000);

/** Every function writes its own log stream and traces (AppFunction). */
const BASE = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** What each compliance function may do besides BASE: exactly the calls its code makes (shared/compliance, shared/store). */
const EXPECTED_ACTIONS: Record<string, string[]> = {
  PlanRetentionPurge: [
    'dynamodb:BatchGetItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'kms:Decrypt',
    'kms:GenerateDataKey',
  ],
  RunRetentionPurgeBatch: [
    'dynamodb:BatchGetItem',
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    's3:DeleteObject',
  ],
  // Both also run the next batches of a DSAR export or erasure.
  HandleComplianceDeadline: [
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'iam:PassRole',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    's3:DeleteObject',
    's3:GetObject',
    's3:PutObject',
    'scheduler:CreateSchedule',
    'scheduler:DeleteSchedule',
    'sqs:SendMessage',
  ],
  SweepComplianceDeadlines: [
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'iam:PassRole',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    's3:DeleteObject',
    's3:GetObject',
    's3:PutObject',
    'scheduler:CreateSchedule',
    'scheduler:DeleteSchedule',
    'sqs:SendMessage',
  ],
};

describe('schedules stack', () => {
  it('loads the purge state machine from its ASL file, every placeholder filled by one of its functions', () => {
    expect(placeholdersOf(readDefinition(RETENTION_PURGE_DEFINITION_FILE))).toEqual(
      Object.keys(RETENTION_PURGE_SUBSTITUTIONS).sort(),
    );
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: complianceNames({ envName: 'dev' }).purgeStateMachine,
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: false },
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: false }),
      DefinitionSubstitutions: {
        PlanRetentionPurgeFunctionArn: {
          'Fn::GetAtt': [Match.stringLikeRegexp('^PlanRetentionPurgeFunction'), 'Arn'],
        },
        RunRetentionPurgeBatchFunctionArn: {
          'Fn::GetAtt': [Match.stringLikeRegexp('^RunRetentionPurgeBatchFunction'), 'Arn'],
        },
      },
    });
  });

  it('starts the purge daily with the scheduled time as input, and sweeps deadlines every 15 minutes, each with a DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      // Daily at 03:00 UTC (functions/manifest/schedules.ts).
      ScheduleExpression: 'cron(0 3 * * ? *)',
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^RetentionPurge') },
          InputTransformer: Match.objectLike({ InputPathsMap: { time: '$.time' } }),
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PurgeScheduleDeadLetterQueue'), 'Arn'] },
          },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SweepComplianceDeadlinesFunction'), 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SweepScheduleDeadLetterQueue'), 'Arn'] },
          },
        }),
      ],
    });
  });

  it('gives Scheduler its own group and a role that may only invoke the deadline function and dead-letter', () => {
    const names = complianceNames({ envName: 'dev' });
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: names.group });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: names.deadlineFunction });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: names.schedulerRole,
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: Match.anyValue(),
            },
          }),
        ],
      },
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('SchedulerRole'),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.map((s) => [s.Action].flat().sort())).toEqual([
      ['lambda:InvokeFunction'],
      ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
    ]);
    expect(JSON.stringify(statements[0].Resource)).toContain('HandleComplianceDeadlineFunction');
  });

  for (const [id, expected] of Object.entries(EXPECTED_ACTIONS)) {
    it(`grants ${id} exactly the actions it uses`, () => {
      expect(actionsOfFunction(template, id)).toEqual([...expected, ...BASE].sort());
    });
  }

  it('lets the purge delete objects under the three prefixes it purges, and nothing else in the bucket', () => {
    const resources = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('s3:')))
      .flatMap((s) => [s.Resource].flat());
    // The purge, and the deadline function and sweep (DSAR batches), under the same three prefixes.
    const prefixes = resources.map((r) => JSON.stringify(r).match(/"\/(\w+)\/\*"/)?.[1]);
    expect([...new Set(prefixes)].sort()).toEqual(['attachments', 'bodies', 'exports']);
  });

  it('alarms on failed and timed-out purges and on every dead-letter queue', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(
      alarms
        .filter((a) => a.Namespace === 'AWS/States')
        .map((a) => a.MetricName)
        .sort(),
    ).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBe(5); // three envelope DLQs, and the two async functions' DLQs
    for (const queue of queues) {
      expect(
        alarms.some(
          (a) =>
            a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(a.Dimensions).includes(queue),
        ),
        queue,
      ).toBe(true);
    }
  });
});

describe('compliance API routes', () => {
  const SCHEDULING = [
    'CreateDsar',
    'ExtendDsar',
    'RejectDsar',
    'ExportDsar',
    'EraseDsar',
    'CreateBillingAppeal',
    'DecideBillingAppeal',
    // A reportable breach's notification window (docs/incident-playbook.md): marked, then notified.
    'MarkReportableBreach',
    'RecordBreachNotification',
  ];

  it('lets exactly the routes that move a deadline manage schedules, in this deployment’s group only', () => {
    const apiTemplate = built.apiTemplate;
    for (const route of API_ROUTES.filter((r) => r.group === 'compliance' || SCHEDULING.includes(r.id))) {
      const actions = actionsOfFunction(apiTemplate, route.id);
      const schedules = actions.includes('scheduler:CreateSchedule');
      expect(schedules, route.id).toBe(SCHEDULING.includes(route.id));
      expect(actions.includes('iam:PassRole'), route.id).toBe(schedules);
    }
    const scheduler = Object.values(apiTemplate.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => [s.Action].flat().includes('scheduler:CreateSchedule'));
    expect(scheduler).toHaveLength(SCHEDULING.length);
    for (const s of scheduler)
      expect(JSON.stringify(s.Resource)).toContain(':schedule/tierdesk-dev-compliance/*');
    const passRole = Object.values(apiTemplate.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => [s.Action].flat().includes('iam:PassRole'));
    for (const s of passRole) {
      expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
      expect(JSON.stringify(s.Resource)).toContain(':role/tierdesk-dev-compliance-scheduler');
    }
  });

  it('gives read-only routes no write action and erasure the deletes it needs', () => {
    for (const id of [
      'ListDsars',
      'GetDsar',
      'ListBillingAppeals',
      'GetBillingAppeal',
      'ListLegalHolds',
      'PreviewRetention',
      'ListComplianceAudit',
    ]) {
      // Outside the desk quota counter (UpdateItem on QUOTA# items only, which needs the table key's
      // GenerateDataKey), a read-only route writes nothing.
      const actions = actionsOfFunction(built.apiTemplate, id, { exceptDeskQuota: true }).filter(
        (a) => !BASE.includes(a) && a !== 'kms:GenerateDataKey',
      );
      expect(
        actions.filter((a) => /Put|Delete|Update|Create/.test(a)),
        id,
      ).toEqual([]);
    }
    expect(actionsOfFunction(built.apiTemplate, 'EraseDsar')).toEqual(
      expect.arrayContaining(['dynamodb:DeleteItem', 's3:DeleteObject']),
    );
    expect(actionsOfFunction(built.apiTemplate, 'ExportDsar')).not.toContain('s3:DeleteObject');
  });

  it('names the deadline function, role and group the same way in both stacks (no export between them)', () => {
    const apiFn = Object.entries(built.apiTemplate.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('CreateDsarFunction'),
    )![1];
    const env = apiFn.Properties.Environment.Variables;
    expect(JSON.stringify(env.COMPLIANCE_DEADLINE_FUNCTION_ARN)).toContain(
      ':function:tierdesk-dev-compliance-deadline',
    );
    expect(env.COMPLIANCE_SCHEDULE_GROUP).toBe('tierdesk-dev-compliance');
    expect(JSON.stringify(built.apiTemplate.toJSON())).not.toContain('tierdesk-dev-schedules:ExportsOutput');
    expect(built.api.dependencies).toContain(built.schedules);
    expect(Stack.of(built.schedules).stackName).toBe('tierdesk-dev-schedules');
  });
});

describe('the bodies bucket and erasure', () => {
  it('expires deleted objects’ older versions after a week, and DSAR bundles after 35 days as a backstop', () => {
    // Two assertions: the order of lifecycle rules means nothing to S3.
    for (const rule of [
      Match.objectLike({
        Id: 'expire-noncurrent-versions',
        NoncurrentVersionExpiration: { NoncurrentDays: 7 },
        ExpiredObjectDeleteMarker: true,
        Status: 'Enabled',
      }),
      Match.objectLike({ Id: 'expire-dsar-exports', Prefix: 'exports/', ExpirationInDays: 35 }),
    ]) {
      built.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: Match.arrayWith([rule]) },
      });
    }
  });
});
