import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { Construct } from 'constructs';
import { asyncFunction } from '#functions/manifest/async-functions.ts';
import {
  cadencePeriodMs,
  schedule,
  stateMachine,
  stateMachineSubstitutions,
} from '#functions/manifest/schedules.ts';
import type { DeploymentConfig } from '../config.ts';
import type { AppFunction } from '../constructs/app-function.ts';
import { AslStateMachine } from '../constructs/asl-state-machine.ts';
import { envelopeDeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { functionSettings, removalPolicyOf } from '../environment-settings.ts';
import { buildAsyncFunction, eventSchedule } from '../manifest-functions.ts';
import type { DataResources } from './data-stack.ts';

/** The daily retention purge's definition (the same file the local stack runs). */
export const RETENTION_PURGE_DEFINITION_FILE = stateMachine('retention-purge').definitionFile;

/** The definition's placeholders and the function (construct id) whose ARN fills each, from the manifest. */
export const RETENTION_PURGE_SUBSTITUTIONS = stateMachineSubstitutions('retention-purge');

/**
 * What API routes need to create and delete per-item deadline schedules, derived from fixed names (like
 * the SLA workflow's ARN), so the API stack needs no export from this stack and the two can deploy in
 * either order: the group, the role Scheduler assumes, the deadline function, the schedules' DLQ.
 */
export interface ComplianceScheduling {
  readonly groupName: string;
  readonly scheduleArns: string;
  readonly schedulerRoleArn: string;
  readonly deadlineFunctionArn: string;
  readonly deadLetterQueueArn: string;
}

export function complianceNames(config: Pick<DeploymentConfig, 'envName'>) {
  const prefix = `tierdesk-${config.envName}`;
  return {
    group: `${prefix}-compliance`,
    schedulerRole: `${prefix}-compliance-scheduler`,
    deadlineFunction: `${prefix}-compliance-deadline`,
    deadLetterQueue: `${prefix}-compliance-schedule-dlq`,
    purgeStateMachine: `${prefix}-retention-purge`,
  };
}

export function complianceScheduling(
  scope: Construct,
  config: Pick<DeploymentConfig, 'envName'>,
): ComplianceScheduling {
  const stack = Stack.of(scope);
  const names = complianceNames(config);
  return {
    groupName: names.group,
    scheduleArns: stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${names.group}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }),
    schedulerRoleArn: stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: names.schedulerRole,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }),
    deadlineFunctionArn: stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: names.deadlineFunction,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    deadLetterQueueArn: stack.formatArn({
      service: 'sqs',
      resource: names.deadLetterQueue,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    }),
  };
}

/**
 * Lets a function create and delete the one-time deadline schedules of DSARs and billing appeals: the two
 * Scheduler actions on this deployment's schedule group only, passing the Scheduler role to Scheduler only,
 * and the `COMPLIANCE_*` variables the handler reads (shared/config/env.ts `ComplianceSchedulerEnv`).
 */
export function grantDeadlineScheduling(fn: AppFunction, scheduling: ComplianceScheduling): void {
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
      resources: [scheduling.scheduleArns],
    }),
  );
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [scheduling.schedulerRoleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  );
  fn.setEnvironment('COMPLIANCE_SCHEDULE_GROUP', scheduling.groupName);
  fn.setEnvironment('COMPLIANCE_SCHEDULER_ROLE_ARN', scheduling.schedulerRoleArn);
  fn.setEnvironment('COMPLIANCE_DEADLINE_FUNCTION_ARN', scheduling.deadlineFunctionArn);
  fn.setEnvironment('COMPLIANCE_SCHEDULE_DLQ_ARN', scheduling.deadLetterQueueArn);
  fn.node.addValidation({
    validate: () => {
      const resolved = flattenCfnReference(Stack.of(fn.role).resolve(scheduling.scheduleArns));
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resolved}]`,
        reason:
          'CreateSchedule and DeleteSchedule need a schedule ARN pattern: schedules are named per DSAR or appeal ' +
          'and deadline, and this pattern admits only the schedules of this deployment’s compliance group.',
      });
      return [];
    },
  });
}

export interface SchedulesStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly data: DataResources;
}

/**
 * The compliance schedules (docs/compliance.md): the daily retention purge (an EventBridge rule starting
 * a Standard state machine that loops over bounded batches), the per-item deadline schedules of DSARs and
 * billing appeals (an EventBridge Scheduler group, the role it assumes, the function it invokes), and the
 * recurring sweep that catches any deadline a schedule missed. Dead-letter queues and alarms on every
 * asynchronous path; each function gets exactly the calls its code makes.
 */
export class SchedulesStack extends Stack {
  readonly functions: {
    readonly PlanRetentionPurge: AppFunction;
    readonly RunRetentionPurgeBatch: AppFunction;
    readonly HandleComplianceDeadline: AppFunction;
    readonly SweepComplianceDeadlines: AppFunction;
  };
  readonly purgeStateMachine: StateMachine;
  readonly scheduling: ComplianceScheduling;
  readonly schedulerRole: Role;
  readonly scheduleGroup: CfnScheduleGroup;
  readonly deadlineDeadLetterQueue: Queue;
  readonly purgeRule: Rule;
  readonly sweepRule: Rule;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: SchedulesStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const names = complianceNames(config);
    const removalPolicy = removalPolicyOf(config);
    this.scheduling = complianceScheduling(this, config);
    const build = (functionId: string) =>
      buildAsyncFunction(this, asyncFunction(functionId), {
        settings: functionSettings(config, data.keys.logs),
        deadLetterKey: data.keys.data,
        targets: { ...data, compliance: this.scheduling, desks: config.desks },
      });
    // --- retention purge: plan, then bounded batches (shared/compliance/purge.ts) ---
    const planPurge = build('PlanRetentionPurge');
    const runBatch = build('RunRetentionPurgeBatch');
    // --- DSAR and appeal deadlines: one-time schedules and the sweep behind them ---
    const handleDeadline = build('HandleComplianceDeadline');
    // Scheduler's target ARN is spelled from this name before the function exists (see complianceScheduling).
    (handleDeadline.function.node.defaultChild as CfnFunction).functionName = names.deadlineFunction;
    const sweep = build('SweepComplianceDeadlines');
    this.functions = {
      PlanRetentionPurge: planPurge,
      RunRetentionPurgeBatch: runBatch,
      HandleComplianceDeadline: handleDeadline,
      SweepComplianceDeadlines: sweep,
    };

    // Schedule envelopes carry a desk and a record id, never personal data (envelopeDeadLetterQueue).
    const deadline = envelopeDeadLetterQueue(this, 'DeadlineScheduleDeadLetterQueue', {
      deadLetterOf:
        'the DeadLetterConfig of every one-time deadline schedule (events Scheduler could not deliver)',
      queueName: names.deadLetterQueue,
      alarmId: 'DeadlineScheduleDeadLetterAlarm',
      alarmDescription:
        'Scheduler could not deliver a DSAR or billing-appeal deadline; the sweep applies it within 15 minutes, but look at why.',
    });
    const purgeDeadLetters = envelopeDeadLetterQueue(this, 'PurgeScheduleDeadLetterQueue', {
      deadLetterOf: 'the daily purge rule’s target DLQ',
      alarmId: 'PurgeScheduleDeadLetterAlarm',
      alarmDescription: 'EventBridge could not start the daily retention purge.',
    });
    const sweepDeadLetters = envelopeDeadLetterQueue(this, 'SweepScheduleDeadLetterQueue', {
      deadLetterOf: 'the deadline sweep rule’s target DLQ',
      alarmId: 'SweepScheduleDeadLetterAlarm',
      alarmDescription: 'EventBridge could not deliver a compliance deadline sweep.',
    });
    this.deadlineDeadLetterQueue = deadline.queue;
    this.alarms.push(deadline.alarm, purgeDeadLetters.alarm, sweepDeadLetters.alarm);

    this.scheduleGroup = new CfnScheduleGroup(this, 'DeadlineScheduleGroup', { name: names.group });
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      roleName: names.schedulerRole,
      description: 'Assumed by EventBridge Scheduler to deliver DSAR and billing-appeal deadlines.',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: names.group,
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
    });
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [handleDeadline.function.functionArn],
      }),
    );
    this.deadlineDeadLetterQueue.grantSendMessages(this.schedulerRole as IGrantable);

    // --- the purge state machine (state-machines/retention-purge.asl.json) ---
    const purge = new AslStateMachine(this, {
      manifestId: 'retention-purge',
      name: names.purgeStateMachine,
      comment: 'Daily retention purge in bounded, resumable batches. See docs/compliance.md.',
      config,
      logsKey: data.keys.logs,
      removalPolicy,
      functions: this.functions,
      ids: { stateMachine: 'RetentionPurge', executionLogs: 'PurgeExecutionLogs', alarmPrefix: 'Purge' },
      whenFailed:
        'expired data is not being removed. Its runs resume on the next day; read the execution history.',
    });
    this.purgeStateMachine = purge.stateMachine;
    this.alarms.push(...purge.alarms);

    const purgeSchedule = schedule('retention-purge');
    this.purgeRule = new Rule(this, 'RetentionPurgeSchedule', {
      description: purgeSchedule.description,
      schedule: eventSchedule(purgeSchedule.cadence),
      targets: [
        new SfnStateMachine(this.purgeStateMachine, {
          // The scheduled day decides the run id, so a re-delivered event continues the same runs.
          input: RuleTargetInput.fromObject({ time: EventField.time, trigger: 'schedule' }),
          deadLetterQueue: purgeDeadLetters.queue,
          retryAttempts: 10,
          maxEventAge: Duration.hours(12),
        }),
      ],
    });
    const sweepSchedule = schedule('compliance-sweep');
    this.sweepRule = new Rule(this, 'DeadlineSweepSchedule', {
      description: sweepSchedule.description,
      schedule: eventSchedule(sweepSchedule.cadence),
      targets: [
        new LambdaFunction(sweep.function, {
          deadLetterQueue: sweepDeadLetters.queue,
          retryAttempts: 2,
          maxEventAge: Duration.millis(cadencePeriodMs(sweepSchedule.cadence)),
        }),
      ],
    });

    new CfnOutput(this, 'RetentionPurgeStateMachineArn', { value: this.purgeStateMachine.stateMachineArn });
    new CfnOutput(this, 'DeadlineScheduleGroupName', { value: names.group });
  }
}
