import { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { DeploymentConfig } from './config.ts';
import type { AppFunctionSettings } from './constructs/app-function.ts';

/** DESTROY where the environment drops its data with its stacks (dev), RETAIN elsewhere. */
export function removalPolicyOf(config: Pick<DeploymentConfig, 'removeDataOnDelete'>): RemovalPolicy {
  return config.removeDataOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}

/** What every function of the environment shares: log retention and key, removal, tracing, alarms. */
export function functionSettings(config: DeploymentConfig, logsKey: IKey): AppFunctionSettings {
  return {
    logRetention: config.logRetentionDays as RetentionDays,
    logEncryptionKey: logsKey,
    logRemovalPolicy: removalPolicyOf(config),
    serviceName: 'tierdesk',
    tracing: config.observability.tracing,
    errorsAlarm: config.observability.functionErrorAlarms === 'per-function',
    metrics: config.observability.metrics,
  };
}
