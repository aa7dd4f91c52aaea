import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { StateMachineId } from '#functions/manifest/async-functions.ts';
import { stateMachine, stateMachineSubstitutions } from '#functions/manifest/schedules.ts';
import type { DeploymentConfig } from '../config.ts';
import { definitionProblems, readDefinition } from '../state-machine-definition.ts';
import type { AppFunction } from './app-function.ts';
import { thresholdAlarm } from './threshold-alarm.ts';
import { acknowledgeWorkflowObservability, workflowLogOptions } from './workflow-observability.ts';

export interface AslStateMachineProps {
  /** The manifest entry (functions/manifest/schedules.ts): its ASL file and task functions. */
  readonly manifestId: StateMachineId;
  /** The state machine's name, fixed so its ARN is known before it exists. */
  readonly name: string;
  readonly comment: string;
  readonly config: DeploymentConfig;
  readonly logsKey: IKey;
  readonly removalPolicy: RemovalPolicy;
  /** The manifest's task functions by construct id; each placeholder's value is its function's ARN. */
  readonly functions: Readonly<Record<string, AppFunction>>;
  /** Construct ids, kept stable (the state machine's and its log group's logical ids). */
  readonly ids: {
    readonly stateMachine: string;
    readonly executionLogs: string;
    readonly alarmPrefix: string;
  };
  /** Alarm on throttled state transitions too (a workflow whose timers must not run late). */
  readonly alarmOnThrottling?: boolean;
  /** What the failure alarm tells the on-call engineer, after "A <name> execution failed: ". */
  readonly whenFailed: string;
  /** Tests only: another definition file, to prove that synth refuses a bad one. */
  readonly definitionFile?: string;
}

/**
 * A Standard state machine whose definition is data: the manifest's ASL file loaded with
 * `DefinitionBody.fromString` and `definitionSubstitutions` (each `${Task}` the ARN of the manifest's task
 * function), checked at synth (a placeholder without a value, or ASL Step Functions would reject, fails);
 * execution logs in a KMS-encrypted `/aws/vendedlogs/` group at the environment's level; X-Ray per
 * environment; invoke rights on exactly its task functions; alarms on failed and timed-out executions.
 */
export class AslStateMachine {
  readonly stateMachine: StateMachine;
  readonly executionLogs: LogGroup;
  /** The substitutions passed to CloudFormation, by placeholder name. */
  readonly substitutions: Readonly<Record<string, string>>;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, props: AslStateMachineProps) {
    const { config, ids } = props;
    const definitionFile = props.definitionFile ?? stateMachine(props.manifestId).definitionFile;
    const definition = readDefinition(definitionFile);
    const taskFunctions = Object.entries(stateMachineSubstitutions(props.manifestId)).map(
      ([placeholder, functionId]) => {
        const fn = props.functions[functionId];
        if (!fn) throw new Error(`${props.manifestId}: no function ${functionId} for \${${placeholder}}`);
        return [placeholder, fn] as const;
      },
    );
    this.substitutions = Object.fromEntries(
      taskFunctions.map(([placeholder, fn]) => [placeholder, fn.function.functionArn]),
    );
    scope.node.addValidation({
      validate: () =>
        definitionProblems(definition, Object.keys(this.substitutions)).map(
          (problem) => `${definitionFile}: ${problem}`,
        ),
    });

    // The /aws/vendedlogs/ prefix keeps CloudWatch Logs' account-wide resource policy from growing per group.
    this.executionLogs = new LogGroup(scope, ids.executionLogs, {
      logGroupName: `/aws/vendedlogs/states/${props.name}`,
      retention: config.logRetentionDays as RetentionDays,
      encryptionKey: props.logsKey,
      removalPolicy: props.removalPolicy,
    });
    this.stateMachine = new StateMachine(scope, ids.stateMachine, {
      stateMachineName: props.name,
      stateMachineType: StateMachineType.STANDARD,
      comment: props.comment,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: { ...this.substitutions },
      tracingEnabled: config.observability.tracing,
      // Execution data holds task tokens and ticket content: the environment decides (docs/decisions.md).
      logs: workflowLogOptions(config, this.executionLogs),
      removalPolicy: props.removalPolicy,
    });
    acknowledgeWorkflowObservability(this.stateMachine, config);
    // Task states invoke the plain, unqualified function ARNs.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...new Set(taskFunctions.map(([, fn]) => fn))].map((fn) => fn.function.functionArn),
      }),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by CDK for logging and tracing, which support no resource-level permissions: CloudWatch Logs ' +
        'log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ' +
        'ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray ' +
        '(xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) require Resource ' +
        '"*". The statements this app adds name their resources.',
    });

    this.alarms.push(
      thresholdAlarm(scope, `${ids.alarmPrefix}ExecutionsFailedAlarm`, {
        metric: this.stateMachine.metricFailed(),
        description: `A ${props.name} execution failed: ${props.whenFailed}`,
      }),
      thresholdAlarm(scope, `${ids.alarmPrefix}ExecutionsTimedOutAlarm`, {
        metric: this.stateMachine.metricTimedOut(),
        description: `A ${props.name} execution timed out (Standard executions end after one year at most).`,
      }),
    );
    if (props.alarmOnThrottling) {
      this.alarms.push(
        thresholdAlarm(scope, `${ids.alarmPrefix}ExecutionThrottledAlarm`, {
          metric: this.stateMachine.metricThrottled(),
          description: `${props.name} state transitions were throttled: its timed actions may run late.`,
        }),
      );
    }
  }
}
