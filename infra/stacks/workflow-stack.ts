import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { asyncFunction } from '#functions/manifest/async-functions.ts';
import { schedule, stateMachine, stateMachineSubstitutions } from '#functions/manifest/schedules.ts';
import type { DeploymentConfig } from '../config.ts';
import type { AppFunction, AppFunctionSettings, BindableStateMachine } from '../constructs/app-function.ts';
import {
  acknowledgeWorkflowObservability,
  workflowLogOptions,
} from '../constructs/workflow-observability.ts';
import { buildAsyncFunction, eventSchedule } from '../manifest-functions.ts';
import { definitionProblems, readDefinition } from '../state-machine-definition.ts';
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
 * The per-ticket SLA workflow (docs/workflow.md): a Standard state machine loaded from the ASL file with
 * `DefinitionBody.fromString` + `definitionSubstitutions`, its two task functions, the reconciler that
 * EventBridge runs every minute, execution logs, X-Ray, and alarms on failed, timed-out and throttled
 * executions. Every principal gets exactly the calls its code makes.
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
    const removalPolicy = config.removeDataOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const stateMachineName = ticketSlaStateMachineName(config);
    this.ticketSla = ticketSlaArns(this, config);

    const settings: AppFunctionSettings = {
      logRetention: config.logRetentionDays as RetentionDays,
      logEncryptionKey: data.keys.logs,
      logRemovalPolicy: removalPolicy,
      serviceName: 'tierdesk',
      tracing: config.observability.tracing,
    };
    const build = (functionId: string) =>
      buildAsyncFunction(this, asyncFunction(functionId), {
        settings,
        deadLetterKey: data.keys.data,
        targets: { ...data, ticketWorkflow: this.ticketSla, desks: config.desks },
      });
    const checkTicketSla = build('CheckTicketSla');
    const parkTicketWorkflow = build('ParkTicketWorkflow');
    const reconcileWorkflows = build('ReconcileWorkflows');
    this.functions = {
      CheckTicketSla: checkTicketSla,
      ParkTicketWorkflow: parkTicketWorkflow,
      ReconcileWorkflows: reconcileWorkflows,
    };

    // Execution logs at the environment's level (docs/decisions.md, "Workflow execution logs").
    // The /aws/vendedlogs/ prefix keeps CloudWatch Logs' account-wide resource policy from growing per group.
    this.executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: config.logRetentionDays as RetentionDays,
      encryptionKey: data.keys.logs,
      removalPolicy,
    });

    const definitionFile = props.definitionFile ?? TICKET_SLA_DEFINITION_FILE;
    const definition = readDefinition(definitionFile);
    this.definitionSubstitutions = Object.fromEntries(
      Object.entries(TICKET_SLA_SUBSTITUTIONS).map(([placeholder, functionId]) => [
        placeholder,
        this.functions[functionId as keyof WorkflowStack['functions']].function.functionArn,
      ]),
    );
    this.node.addValidation({
      validate: () =>
        definitionProblems(definition, Object.keys(this.definitionSubstitutions)).map(
          (problem) => `${definitionFile}: ${problem}`,
        ),
    });

    this.stateMachine = new StateMachine(this, 'TicketSla', {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      comment:
        'One execution per ticket (name = ticket id): SLA timers that wake on change. See docs/workflow.md.',
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: { ...this.definitionSubstitutions },
      tracingEnabled: config.observability.tracing,
      // Execution data holds task tokens and ticket content: production logs errors only, without it.
      logs: workflowLogOptions(config, this.executionLogs),
      removalPolicy,
    });
    acknowledgeWorkflowObservability(this.stateMachine, config);
    // Task states: the plain-ARN Lambda task and lambda:invoke.waitForTaskToken, both on the unqualified ARN.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [checkTicketSla.function.functionArn, parkTicketWorkflow.function.functionArn],
      }),
    );
    // "Hand over to a new execution": states:startExecution (request-response, not .sync) of itself, which
    // needs StartExecution only; DescribeExecution, StopExecution and the events rule are .sync's needs.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [this.ticketSla.stateMachineArn],
      }),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by CDK for logging and tracing, which support no resource-level permissions: CloudWatch Logs ' +
        'log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ' +
        'ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray ' +
        '(xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) require Resource ' +
        '"*". The Lambda and StartExecution statements name their resources.',
    });

    // The schedule's own DLQ holds events EventBridge could not deliver (throttling, a missing permission);
    // failures inside the function land in the function's DLQ after Lambda's retries. These events are
    // schedule envelopes without ticket data, so SQS-managed encryption suffices and EventBridge needs no
    // grant in the data key's policy (docs/decisions.md).
    this.reconcileScheduleDeadLetterQueue = new Queue(this, 'ReconcileScheduleDeadLetterQueue', {
      // Marks it as a dead-letter queue (CT.SQS.PR.1); any source may redrive to it, as by default.
      redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.reconcileScheduleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the DeadLetterConfig of the reconcile rule’s Lambda target. ' +
        'cdk-nag recognises DLQs of queues and functions only, not of EventBridge targets. It has an alarm.',
    });
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

    const alarm = (id: string, metric: Metric, description: string, statistic = 'Sum') => {
      this.alarms.push(
        new Alarm(this, id, {
          alarmDescription: description,
          metric: metric.with({ period: Duration.minutes(5), statistic }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    };
    alarm(
      'ExecutionsFailedAlarm',
      this.stateMachine.metricFailed(),
      `A ${stateMachineName} execution failed: that ticket has no running SLA workflow until the reconciler ` +
        'restarts it. Read the execution history for the failing state.',
    );
    alarm(
      'ExecutionsTimedOutAlarm',
      this.stateMachine.metricTimedOut(),
      `A ${stateMachineName} execution timed out (Standard executions end after one year).`,
    );
    alarm(
      'ExecutionThrottledAlarm',
      this.stateMachine.metricThrottled(),
      `${stateMachineName} state transitions were throttled: SLA actions may run late.`,
    );
    alarm(
      'ReconcileScheduleDeadLetterAlarm',
      this.reconcileScheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      'EventBridge could not deliver a reconciler schedule event: missed ticket changes are not being swept.',
      'Maximum',
    );

    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ExecutionLogGroupName', { value: this.executionLogs.logGroupName });
  }
}
