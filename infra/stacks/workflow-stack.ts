import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { asyncFunction } from '#functions/manifest/async-functions.ts';
import { schedule, stateMachine, stateMachineSubstitutions } from '#functions/manifest/schedules.ts';
import type { DeploymentConfig } from '../config.ts';
import type { AppFunction, BindableStateMachine } from '../constructs/app-function.ts';
import { AslStateMachine } from '../constructs/asl-state-machine.ts';
import { envelopeDeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { functionSettings, removalPolicyOf } from '../environment-settings.ts';
import { buildAsyncFunction, eventSchedule } from '../manifest-functions.ts';
import type { DataResources } from './data-stack.ts';

/** The per-ticket SLA workflow's definition (the same file the local stack runs). */
export const TICKET_SLA_DEFINITION_FILE = stateMachine('ticket-sla').definitionFile;

/**
 * The definition's `${…}` placeholders and the function (construct id) whose ARN fills each, from the
 * manifest's task triggers. A test checks that these and the placeholders in the file are the same set;
 * synth refuses a mismatch as well.
 */
export const TICKET_SLA_SUBSTITUTIONS = stateMachineSubstitutions('ticket-sla');

/** The state machine's name: `tierdesk-<env>-ticket-sla`. Fixed, so its ARN is known before it exists. */
export function ticketSlaStateMachineName(config: Pick<DeploymentConfig, 'envName'>): string {
  return `tierdesk-${config.envName}-ticket-sla`;
}

/**
 * The state machine's ARN and its executions' ARN pattern, derived from its name rather than read from the
 * resource. The functions the state machine invokes need its ARN (to wake it, start it), and the state
 * machine needs their ARNs (to invoke them): reading the ARN from the resource would be a dependency cycle.
 * Both strings use only the account, Region and partition pseudo parameters, so other stacks may use them
 * without a CloudFormation export.
 */
export function ticketSlaArns(
  scope: Construct,
  config: Pick<DeploymentConfig, 'envName'>,
): BindableStateMachine {
  const stack = Stack.of(scope);
  const name = ticketSlaStateMachineName(config);
  return {
    stateMachineArn: stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    executionArns: stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  };
}

export interface WorkflowStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly data: DataResources;
  /** Tests only: another definition file, to prove that synth refuses a bad one. */
  readonly definitionFile?: string;
}

/**
 * The per-ticket SLA workflow (docs/workflow.md): a Standard state machine loaded from the ASL file
 * ({@link AslStateMachine}), its two task functions, the reconciler that EventBridge runs every minute,
 * execution logs, X-Ray per environment, and alarms on failed, timed-out and throttled executions. Every
 * principal gets exactly the calls its code makes.
 */
export class WorkflowStack extends Stack {
  readonly stateMachine: StateMachine;
  /** ARNs for granting access to the state machine (name-derived; see {@link ticketSlaArns}). */
  readonly ticketSla: BindableStateMachine;
  /** The substitutions passed to CloudFormation, by placeholder name. */
  readonly definitionSubstitutions: Readonly<Record<string, string>>;
  readonly functions: {
    readonly CheckTicketSla: AppFunction;
    readonly ParkTicketWorkflow: AppFunction;
    readonly ReconcileWorkflows: AppFunction;
  };
  readonly executionLogs: LogGroup;
  readonly reconcileSchedule: Rule;
  /** Where EventBridge puts a schedule event it could not deliver to the reconciler. */
  readonly reconcileScheduleDeadLetterQueue: Queue;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: WorkflowStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const removalPolicy = removalPolicyOf(config);
    const stateMachineName = ticketSlaStateMachineName(config);
    this.ticketSla = ticketSlaArns(this, config);

    const build = (functionId: string) =>
      buildAsyncFunction(this, asyncFunction(functionId), {
        settings: functionSettings(config, data.keys.logs),
        deadLetterKey: data.keys.data,
        targets: { ...data, ticketWorkflow: this.ticketSla, desks: config.desks },
      });
    this.functions = {
      CheckTicketSla: build('CheckTicketSla'),
      ParkTicketWorkflow: build('ParkTicketWorkflow'),
      ReconcileWorkflows: build('ReconcileWorkflows'),
    };
    const reconcileWorkflows = this.functions.ReconcileWorkflows;

    const workflow = new AslStateMachine(this, {
      manifestId: 'ticket-sla',
      name: stateMachineName,
      comment:
        'One execution per ticket (name = ticket id): SLA timers that wake on change. See docs/workflow.md.',
      config,
      logsKey: data.keys.logs,
      removalPolicy,
      functions: this.functions,
      ids: { stateMachine: 'TicketSla', executionLogs: 'ExecutionLogs', alarmPrefix: '' },
      alarmOnThrottling: true,
      whenFailed:
        'that ticket has no running SLA workflow until the reconciler restarts it. Read the execution history ' +
        'for the failing state.',
      ...(props.definitionFile ? { definitionFile: props.definitionFile } : {}),
    });
    this.stateMachine = workflow.stateMachine;
    this.executionLogs = workflow.executionLogs;
    this.definitionSubstitutions = workflow.substitutions;
    this.alarms.push(...workflow.alarms);
    // "Hand over to a new execution": states:startExecution (request-response, not .sync) of itself, which
    // needs StartExecution only; DescribeExecution, StopExecution and the events rule are .sync's needs.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [this.ticketSla.stateMachineArn],
      }),
    );

    // Failures inside the function land in the function's own DLQ after Lambda's retries; this one holds
    // the schedule events EventBridge could not deliver (throttling, a missing permission).
    const deadLetters = envelopeDeadLetterQueue(this, 'ReconcileScheduleDeadLetterQueue', {
      deadLetterOf: 'the DeadLetterConfig of the reconcile rule’s Lambda target',
      alarmId: 'ReconcileScheduleDeadLetterAlarm',
      alarmDescription:
        'EventBridge could not deliver a reconciler schedule event: missed ticket changes are not being swept.',
    });
    this.reconcileScheduleDeadLetterQueue = deadLetters.queue;
    this.alarms.push(deadLetters.alarm);
    const reconcile = schedule('reconcile-workflows');
    this.reconcileSchedule = new Rule(this, 'ReconcileSchedule', {
      description: reconcile.description,
      schedule: eventSchedule(reconcile.cadence),
      targets: [
        new LambdaFunction(reconcileWorkflows.function, {
          deadLetterQueue: this.reconcileScheduleDeadLetterQueue,
          retryAttempts: 2,
          // The next sweep is due a minute later: an event older than a few minutes is not worth delivering.
          maxEventAge: Duration.minutes(5),
        }),
      ],
    });

    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ExecutionLogGroupName', { value: this.executionLogs.logGroupName });
  }
}
