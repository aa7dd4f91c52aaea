import { isServiceError } from '../runtime/aws/service-error.ts';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '../runtime/aws/step-functions.ts';
import type { WorkflowSignals } from './signals.ts';

/** The Step Functions adapter of WorkflowSignals (AWS, or the local stack's compatible endpoint). */
export function sfnWorkflowSignals(sfn: SFNClient, stateMachineArn: string): WorkflowSignals {
  const executionArn = (name: string) =>
    `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  return {
    async start({ ticketId, desk, executionName }) {
      const generation = /-g(\d+)/.exec(executionName)?.[1];
      // The input is a pure function of the name, so a repeated start is idempotent on AWS.
      const input = JSON.stringify({
        ticketId,
        desk,
        cycle: 0,
        generation: generation ? Number(generation) : 1,
      });
      try {
        await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input }));
      } catch (error) {
        if (!isServiceError(error, 'ExecutionAlreadyExists')) throw error;
      }
    },
    async wake(taskToken, reason) {
      try {
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(reason) }));
        return 'woken';
      } catch (error) {
        if (isStale(error)) return 'stale';
        throw error;
      }
    },
    async end(taskToken, { error, cause }) {
      try {
        await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
        return 'ended';
      } catch (failure) {
        if (isStale(failure)) return 'stale';
        throw failure;
      }
    },
    async status(name) {
      try {
        const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(name) }));
        return status === 'RUNNING' ? 'running' : 'finished';
      } catch (error) {
        if (isServiceError(error, 'ExecutionDoesNotExist')) return 'missing';
        throw error;
      }
    },
  };
}

/** The token no longer refers to a waiting task (it timed out, was answered, or never existed). */
const isStale = (error: unknown) =>
  isServiceError(error, 'TaskTimedOut') ||
  isServiceError(error, 'TaskDoesNotExist') ||
  isServiceError(error, 'InvalidToken');
