import { Validations } from 'aws-cdk-lib';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { LogLevel, type LogOptions, type StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { DeploymentConfig } from '../config.ts';
import { acknowledgeGuardRule } from '../control-tower.ts';

/** Execution logging of a state machine at the environment's level (`observability` in infra/config.ts). */
export function workflowLogOptions(config: DeploymentConfig, destination: ILogGroup): LogOptions {
  return {
    destination,
    level: LogLevel[config.observability.workflowLogLevel],
    includeExecutionData: config.observability.workflowLogExecutionData,
  };
}

/**
 * Acknowledges the cdk-nag findings an environment's observability settings cause on a state machine,
 * with the reason: logging below ALL (SF1) and tracing off (SF2) are deliberate in production.
 */
export function acknowledgeWorkflowObservability(stateMachine: StateMachine, config: DeploymentConfig): void {
  if (config.observability.workflowLogLevel !== 'ALL') {
    Validations.of(stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        `Execution logs at ${config.observability.workflowLogLevel} on purpose: ALL events with execution data ` +
        'would copy task tokens and ticket content into CloudWatch Logs. Step Functions keeps every execution ' +
        'history for 90 days (the ops console reads it); observability.workflowLogLevel raises the level.',
    });
  }
  if (!config.observability.tracing) {
    Validations.of(stateMachine).acknowledge({
      id: 'AwsSolutions-SF2',
      reason:
        'X-Ray tracing is off in this environment (observability.tracing): traces are billed per trace and the ' +
        'execution history and metrics already show each step; turn it on while investigating latency.',
    });
    acknowledgeGuardRule(
      stateMachine,
      'step_functions_state_machine_tracing_enabled_check',
      'X-Ray tracing is off in this environment (observability.tracing), billed per trace; the execution ' +
        'history (kept 90 days) and the CloudWatch metrics show each step. Turn it on while investigating.',
    );
  }
}
