import type { DeadlineEvent, DeadlineScheduler } from '../compliance/ports.ts';
import type { ComplianceSchedulerEnv } from '../config/env.ts';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type SchedulerClient,
} from '../runtime/aws/scheduler.ts';
import { isServiceError } from '../runtime/aws/service-error.ts';

/** How long Scheduler keeps retrying a failed delivery before the event goes to the dead-letter queue. */
const MAX_EVENT_AGE_SECONDS = 6 * 3600;

/** `at(2030-02-21T15:00:00)` in UTC: Scheduler's one-time expression has second precision and no zone suffix. */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/**
 * Per-record deadlines as one-time EventBridge Scheduler schedules that invoke the deadline function
 * and delete themselves after running. Locally the same calls reach local/scheduler.ts through
 * AWS_ENDPOINT_URL_SCHEDULER.
 */
export function eventBridgeScheduler(
  client: SchedulerClient,
  env: ComplianceSchedulerEnv,
): DeadlineScheduler {
  return {
    async scheduleOnce(name: string, at: Date, event: DeadlineEvent) {
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: name,
            GroupName: env.COMPLIANCE_SCHEDULE_GROUP,
            ScheduleExpression: atExpression(at),
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Description: `${event.kind} ${event.id} deadline (${event.desk})`,
            Target: {
              Arn: env.COMPLIANCE_DEADLINE_FUNCTION_ARN,
              RoleArn: env.COMPLIANCE_SCHEDULER_ROLE_ARN,
              Input: JSON.stringify(event),
              RetryPolicy: { MaximumEventAgeInSeconds: MAX_EVENT_AGE_SECONDS, MaximumRetryAttempts: 20 },
              ...(env.COMPLIANCE_SCHEDULE_DLQ_ARN
                ? { DeadLetterConfig: { Arn: env.COMPLIANCE_SCHEDULE_DLQ_ARN } }
                : {}),
            },
          }),
        );
      } catch (error) {
        // Same name = same record and deadline: already scheduled (a retried write).
        if (!isServiceError(error, 'ConflictException')) throw error;
      }
    },
    async cancel(name: string) {
      try {
        await client.send(
          new DeleteScheduleCommand({ Name: name, GroupName: env.COMPLIANCE_SCHEDULE_GROUP }),
        );
      } catch (error) {
        // Already fired (ActionAfterCompletion: DELETE) or never created.
        if (!isServiceError(error, 'ResourceNotFoundException')) throw error;
      }
    },
  };
}
