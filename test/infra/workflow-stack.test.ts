import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TICKET_SLA_DEFINITION_FILE, TICKET_SLA_SUBSTITUTIONS } from '../../infra/stacks/workflow-stack.ts';
import { placeholdersOf, readDefinition } from '../../infra/state-machine-definition.ts';
import { actionsOfFunction, buildApp } from './infra-app.ts';

const { workflow, workflowTemplate: template } = buildApp('dev');
const { workflowTemplate: prodTemplate } = buildApp('prod');

const STATE_MACHINE_NAME = 'tierdesk-dev-ticket-sla';
const stateMachineArn = workflow.resolve(workflow.ticketSla.stateMachineArn);
const executionArns = workflow.resolve(workflow.ticketSla.executionArns);

/** What each workflow function may do, beyond writing its own logs and traces (the code's calls). */
const EXPECTED_ACTIONS: Record<string, string[]> = {
  // shared/workflow/check-ticket-sla.ts: getTicket, recordSlaProgress; then the mail its actions cause
  // (shared/notices/deliver.ts, granted by the mail stack): the ticket partition (Query), long bodies, the
  // outbox note (PutItem, DeleteItem), suppressions and Message-ID map, SendRawEmail on the desks' identities,
  // and the survey and thread keyrings it signs with (GetSecretValue).
  CheckTicketSla: [
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    's3:GetObject',
    'secretsmanager:GetSecretValue',
    'ses:SendRawEmail',
  ],
  // shared/workflow/park-workflow.ts: parkWorkflow, a wake of itself when the ticket moved on, and the
  // end of its own task when the loop stops or hands over.
  ParkTicketWorkflow: [
    'dynamodb:UpdateItem',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'states:SendTaskFailure',
    'states:SendTaskSuccess',
  ],
  // shared/workflow/reconcile.ts: listWorkflowDue and listOverdueCheckpoints (index Queries), getTicket,
  // status (DescribeExecution), start, wake; its DLQ.
  ReconcileWorkflows: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'sqs:SendMessage',
    'states:DescribeExecution',
    'states:SendTaskSuccess',
    'states:StartExecution',
  ],
};
const EVERY_FUNCTION = ['logs:CreateLogStream', 'logs:PutLogEvents'];

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

function statementsOfRole(roleIdPrefix: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith(roleIdPrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function stateMachine() {
  const [resource] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  return resource!;
}

describe('WorkflowStack', () => {
  it('is one Standard state machine with a fixed name, loaded from the ASL file with substitutions', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const { Properties } = stateMachine();
    expect(Properties.StateMachineType).toBe('STANDARD');
    expect(Properties.StateMachineName).toBe(STATE_MACHINE_NAME);
    expect(Properties.DefinitionString).toBe(readDefinition(TICKET_SLA_DEFINITION_FILE));
    expect(Object.keys(Properties.DefinitionSubstitutions).sort()).toEqual(
      placeholdersOf(Properties.DefinitionString),
    );
    expect(Object.keys(workflow.definitionSubstitutions).sort()).toEqual(
      Object.keys(TICKET_SLA_SUBSTITUTIONS).sort(),
    );
    for (const [placeholder, functionId] of Object.entries(TICKET_SLA_SUBSTITUTIONS)) {
      expect(Properties.DefinitionSubstitutions[placeholder]).toEqual({
        'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${functionId}Function`)), 'Arn'],
      });
    }
  });

  it('derives the ARN it hands out from the state machine’s name', () => {
    expect(JSON.stringify(stateMachineArn)).toMatch(
      new RegExp(`:stateMachine:${STATE_MACHINE_NAME}"\\]\\]}$`),
    );
    expect(JSON.stringify(executionArns)).toMatch(
      new RegExp(`:execution:${STATE_MACHINE_NAME}:\\*"\\]\\]}$`),
    );
    template.hasOutput('StateMachineArn', { Value: { Ref: Match.stringLikeRegexp('^TicketSla') } });
  });

  it('logs errors without execution data to an encrypted log group, untraced (dev has the production defaults)', () => {
    const { Properties } = stateMachine();
    expect(Properties.TracingConfiguration).toEqual({ Enabled: false });
    expect(Properties.LoggingConfiguration).toEqual({
      Destinations: [
        {
          CloudWatchLogsLogGroup: {
            LogGroupArn: { 'Fn::GetAtt': [expect.stringMatching(/^ExecutionLogs/), 'Arn'] },
          },
        },
      ],
      IncludeExecutionData: false,
      Level: 'ERROR',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/vendedlogs/states/${STATE_MACHINE_NAME}`,
      RetentionInDays: 30,
      KmsKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('LogsKey') },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('LogsKey') },
    });
  });

  it('lets the state machine invoke exactly its two task functions and start only itself', () => {
    const roleId = stateMachine().Properties.RoleArn['Fn::GetAtt'][0] as string;
    const statements = statementsOfRole(roleId);
    const named = statements.filter((s) => s.Resource !== '*');
    expect(named).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [
          { 'Fn::GetAtt': [expect.stringMatching(/^CheckTicketSlaFunction/), 'Arn'] },
          { 'Fn::GetAtt': [expect.stringMatching(/^ParkTicketWorkflowFunction/), 'Arn'] },
        ],
      },
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachineArn },
    ]);
    // Added by CDK for log delivery, which has no resource-level permissions (and X-Ray sampling when traced).
    const unscoped = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(unscoped.sort()).toEqual([
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'states.amazonaws.com' } })],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  for (const [functionId, expected] of Object.entries(EXPECTED_ACTIONS)) {
    it(`grants ${functionId} exactly the actions it uses`, () => {
      expect(actionsOfFunction(template, functionId)).toEqual(
        [...new Set([...expected, ...EVERY_FUNCTION])].sort(),
      );
    });
  }

  it('grants Step Functions actions on this state machine and its executions only', () => {
    const states = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('states:')));
    for (const statement of states) {
      const onExecutions = [statement.Action].flat().every((a) => a === 'states:DescribeExecution');
      expect(statement.Resource).toEqual(onExecutions ? executionArns : stateMachineArn);
    }
  });

  it('grants no action with a wildcard, and the reconciler Query on its two indexes only', () => {
    const indexArn = (name: string) => ({
      'Fn::Join': ['', [{ 'Fn::ImportValue': expect.stringMatching(/Table/) }, `/index/${name}`]],
    });
    for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
        expect(
          [statement.Action].flat().filter((a) => a.includes('*')),
          id,
        ).toEqual([]);
      }
    }
    expect(statementsOfRole('ReconcileWorkflowsRole')).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: [indexArn('byDeskStatusDue-v2'), indexArn('byWorkflowPending-v2')],
        },
        {
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: { 'Fn::ImportValue': expect.stringMatching(/Table/) },
        },
      ]),
    );
  });

  it('gives the three functions the environment WorkflowEnv requires', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      const variables = fn.Properties.Environment.Variables;
      // The Apply step also sends mail (MailOutboundEnv, set by the mail stack).
      const mail = String(fn.Properties.Description).includes('applies due SLA actions')
        ? ['BODY_BUCKET', 'PUBLIC_BASE_URL', 'SURVEY_SECRET_ID', 'THREAD_TOKEN_SECRET_ID']
        : [];
      expect(Object.keys(variables).sort()).toEqual(
        [
          'DESKS',
          'METRICS',
          'NODE_OPTIONS',
          'SERVICE_NAME',
          'STATE_MACHINE_ARN',
          'TABLE_NAME',
          ...mail,
        ].sort(),
      );
      expect(variables.DESKS).toBe('rch-spyfocus,techflow,acentus,rarelogic');
      expect(variables.STATE_MACHINE_ARN).toEqual(stateMachineArn);
    }
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      // dev deploys with the production defaults: no X-Ray unless observability.tracing turns it on.
      TracingConfig: Match.absent(),
    });
  });

  it('runs the reconciler every minute, with retries and a dead-letter queue for undelivered events', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        {
          Id: Match.anyValue(),
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReconcileWorkflowsFunction'), 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReconcileScheduleDeadLetterQueue'), 'Arn'] },
          },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        },
      ],
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: Match.stringLikeRegexp('^ReconcileScheduleDeadLetterQueue') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    // Failures inside the function: Lambda's async retries, then the function's own (KMS-encrypted) DLQ.
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: {
        TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReconcileWorkflowsDeadLetterQueue'), 'Arn'] },
      },
      Timeout: 55,
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('DataKey') },
    });
  });

  it('alarms on failed, timed-out and throttled executions and undelivered schedules (function errors: Region-wide)', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: Match.stringLikeRegexp('^TicketSla') } }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const metrics = alarms.map((a) => `${a.Properties.Namespace} ${a.Properties.MetricName}`).sort();
    expect(metrics).toEqual([
      'AWS/SQS ApproximateNumberOfMessagesVisible',
      'AWS/SQS ApproximateNumberOfMessagesVisible',
      'AWS/States ExecutionThrottled',
      'AWS/States ExecutionsFailed',
      'AWS/States ExecutionsTimedOut',
    ]);
  });

  it('keeps the state machine and its logs in prod (365 days) and removes them in dev', () => {
    template.hasResource('AWS::StepFunctions::StateMachine', { DeletionPolicy: 'Delete' });
    prodTemplate.hasResource('AWS::StepFunctions::StateMachine', { DeletionPolicy: 'Retain' });
    for (const logGroup of Object.values(prodTemplate.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(logGroup.Properties.RetentionInDays).toBe(365);
    }
    prodTemplate.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'tierdesk-prod-ticket-sla',
    });
  });
});
