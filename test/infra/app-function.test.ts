import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { AppFunction, type AppFunctionProps } from '../../infra/constructs/app-function.ts';
import { testApp } from './infra-app.ts';

function fixture() {
  const stack = new Stack(testApp(), 'Fixture');
  const key = new Key(stack, 'Key');
  const table = new Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
  });
  const bucket = new Bucket(stack, 'Bucket', { encryption: BucketEncryption.KMS, encryptionKey: key });
  const props: AppFunctionProps = {
    entry: 'functions/tickets/get-ticket.ts',
    description: 'test function',
    settings: {
      logRetention: RetentionDays.ONE_WEEK,
      logEncryptionKey: key,
      logRemovalPolicy: RemovalPolicy.DESTROY,
      serviceName: 'tierdesk',
      tracing: true,
      errorsAlarm: true,
      metrics: 'alarmed',
    },
  };
  return { stack, key, table, bucket, props };
}

describe('AppFunction', () => {
  it('has an Errors alarm only when the environment wants one per function', () => {
    const { stack, props } = fixture();
    const alarmed = new AppFunction(stack, 'Alarmed', props);
    const covered = new AppFunction(stack, 'Covered', {
      ...props,
      settings: { ...props.settings, errorsAlarm: false },
    });
    expect(alarmed.alarms).toHaveLength(1);
    expect(covered.alarms).toHaveLength(0);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  it('is Node.js 22 on arm64 with its own encrypted log group (7-day retention) and no managed policies', () => {
    const { stack, props } = fixture();
    new AppFunction(stack, 'Fn', props);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7, KmsKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('grants a table binding exactly its actions, Query only on the named indexes, and sets TABLE_NAME', () => {
    const { stack, table, props } = fixture();
    new AppFunction(stack, 'Fn', props).bindTable(table, {
      actions: ['GetItem', 'Query'],
      indexes: ['byRequester'],
    });
    new AppFunction(stack, 'Both', props).bindTable(table, {
      actions: ['Query'],
      indexes: ['byRequester'],
      queryTable: true,
    });
    const template = Template.fromStack(stack);
    const tableArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^BothRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: [tableArn, { 'Fn::Join': ['', [tableArn, '/index/byRequester-v2']] }],
          },
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn },
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: {
              'Fn::Join': [
                '',
                [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Table'), 'Arn'] }, '/index/byRequester-v2'],
              ],
            },
          },
          Match.objectLike({ Action: 'kms:Decrypt' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: { Ref: Match.stringLikeRegexp('^Table') } }) },
    });
  });

  it('asks for the data key to be generated only when the function writes', () => {
    const { stack, table, bucket, props } = fixture();
    new AppFunction(stack, 'Reader', props)
      .bindTable(table, { actions: ['GetItem'] })
      .bindBucket(bucket, { actions: ['GetObject'], prefix: 'bodies/' });
    const template = Template.fromStack(stack);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement,
    );
    const kms = statements.flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith('kms:'));
    expect([...new Set(kms)]).toEqual(['kms:Decrypt']);
  });

  it('refuses wiring mistakes: indexes without Query, a bucket without a prefix, a clashing variable', () => {
    const { stack, table, bucket, props } = fixture();
    const fn = new AppFunction(stack, 'Fn', props);
    expect(() => fn.bindTable(table, { actions: ['GetItem'], indexes: ['byRequester'] })).toThrow(/Query/);
    expect(() => fn.bindBucket(bucket, { actions: ['GetObject'], prefix: '' })).toThrow(/prefix/);
    expect(() => fn.setEnvironment('NODE_OPTIONS', '--inspect')).toThrow(/set by AppFunction/);
    expect(() => fn.setEnvironment('AWS_REGION', 'eu-west-1')).toThrow(/reserved by Lambda/);
    fn.setEnvironment('TABLE_NAME', 'a');
    expect(() => fn.setEnvironment('TABLE_NAME', 'b')).toThrow(/different value/);
    expect(() => fn.setEnvironment('TABLE_NAME', 'a')).not.toThrow();
  });

  it('gives async functions an encrypted, TLS-only dead-letter queue with an alarm and KMS use via SQS', () => {
    const { stack, key, props } = fixture();
    const fn = new AppFunction(stack, 'Fn', { ...props, deadLetterQueue: { encryptionKey: key } });
    Template.fromStack(stack);
    const nag = new AwsSolutionsChecks().validateScope(fn);
    expect(nag.violations.map((v) => v.ruleName)).toEqual([]);
    expect(fn.alarms).toHaveLength(2);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      MessageRetentionPeriod: 1_209_600,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
    });
    const statement = (pattern: Record<string, unknown>) => ({
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(pattern)]) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', statement({ Action: 'sqs:SendMessage' }));
    template.hasResourceProperties(
      'AWS::IAM::Policy',
      statement({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
      }),
    );
  });

  it('grants a state machine binding its actions on the state machine and on its executions only', () => {
    const { stack, props } = fixture();
    const stateMachine = {
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:sla',
      executionArns: 'arn:aws:states:eu-west-1:123456789012:execution:sla:*',
    };
    const fn = new AppFunction(stack, 'Fn', props).bindStateMachine(stateMachine, {
      actions: ['StartExecution', 'SendTaskSuccess'],
      executionActions: ['DescribeExecution'],
    });
    new AppFunction(stack, 'EnvOnly', props).bindStateMachine(stateMachine);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FnRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['states:SendTaskSuccess', 'states:StartExecution'],
            Resource: stateMachine.stateMachineArn,
          },
          { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: stateMachine.executionArns },
        ]),
      },
    });
    const envOnly = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('EnvOnly'),
    )?.[1];
    const envOnlyActions = envOnly?.Properties.PolicyDocument.Statement.flatMap((s: any) =>
      [s.Action].flat(),
    );
    expect(envOnlyActions.filter((a: string) => a.startsWith('states:'))).toEqual([]);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: stateMachine.stateMachineArn }) },
    });
    // The execution pattern's wildcard is acknowledged for that resource only, with its reason.
    const nag = new AwsSolutionsChecks().validateScope(fn);
    expect(nag.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
