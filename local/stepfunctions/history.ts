/**
 * Execution history events in the shape of Step Functions' GetExecutionHistory, so ops read the
 * same story locally (awscli, the ops page) as in the AWS console.
 */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** Virtual-clock milliseconds; the endpoint renders epoch seconds like AWS. */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export type NewHistoryEvent = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp'> & {
  timestamp?: number;
};

const payload = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
const truncated = { truncated: false };

export const events = {
  executionStarted: (input: string, roleArn: string, stateMachineArn: string): NewHistoryEvent => ({
    type: 'ExecutionStarted',
    executionStartedEventDetails: {
      input,
      inputDetails: truncated,
      roleArn,
      stateMachineAliasArn: undefined,
      stateMachineVersionArn: undefined,
      stateMachineArn,
    },
  }),
  executionSucceeded: (output: unknown): NewHistoryEvent => ({
    type: 'ExecutionSucceeded',
    executionSucceededEventDetails: { output: payload(output), outputDetails: truncated },
  }),
  executionFailed: (error: string, cause: string): NewHistoryEvent => ({
    type: 'ExecutionFailed',
    executionFailedEventDetails: { error, cause },
  }),
  executionAborted: (error?: string, cause?: string): NewHistoryEvent => ({
    type: 'ExecutionAborted',
    executionAbortedEventDetails: { error, cause },
  }),
  stateEntered: (stateType: string, name: string, input: unknown): NewHistoryEvent => ({
    type: `${stateType}StateEntered`,
    stateEnteredEventDetails: { name, input: payload(input), inputDetails: truncated },
  }),
  stateExited: (stateType: string, name: string, output: unknown): NewHistoryEvent => ({
    type: `${stateType}StateExited`,
    stateExitedEventDetails: { name, output: payload(output), outputDetails: truncated },
  }),
  lambdaScheduled: (resource: string, input: unknown, timeoutInSeconds?: number): NewHistoryEvent => ({
    type: 'LambdaFunctionScheduled',
    lambdaFunctionScheduledEventDetails: {
      resource,
      input: payload(input),
      inputDetails: truncated,
      timeoutInSeconds,
    },
  }),
  lambdaStarted: (): NewHistoryEvent => ({ type: 'LambdaFunctionStarted' }),
  lambdaSucceeded: (output: unknown): NewHistoryEvent => ({
    type: 'LambdaFunctionSucceeded',
    lambdaFunctionSucceededEventDetails: { output: payload(output), outputDetails: truncated },
  }),
  lambdaFailed: (error: string, cause: string): NewHistoryEvent => ({
    type: 'LambdaFunctionFailed',
    lambdaFunctionFailedEventDetails: { error, cause },
  }),
  taskScheduled: (
    resourceType: string,
    resource: string,
    region: string,
    parameters: unknown,
    timeoutInSeconds?: number,
  ): NewHistoryEvent => ({
    type: 'TaskScheduled',
    taskScheduledEventDetails: {
      resourceType,
      resource,
      region,
      parameters: payload(parameters),
      timeoutInSeconds,
    },
  }),
  taskStarted: (resourceType: string, resource: string): NewHistoryEvent => ({
    type: 'TaskStarted',
    taskStartedEventDetails: { resourceType, resource },
  }),
  taskSubmitted: (resourceType: string, resource: string, output: unknown): NewHistoryEvent => ({
    type: 'TaskSubmitted',
    taskSubmittedEventDetails: { resourceType, resource, output: payload(output), outputDetails: truncated },
  }),
  taskSucceeded: (resourceType: string, resource: string, output: unknown): NewHistoryEvent => ({
    type: 'TaskSucceeded',
    taskSucceededEventDetails: { resourceType, resource, output: payload(output), outputDetails: truncated },
  }),
  taskFailed: (resourceType: string, resource: string, error: string, cause: string): NewHistoryEvent => ({
    type: 'TaskFailed',
    taskFailedEventDetails: { resourceType, resource, error, cause },
  }),
  taskTimedOut: (resourceType: string, resource: string): NewHistoryEvent => ({
    type: 'TaskTimedOut',
    taskTimedOutEventDetails: {
      resourceType,
      resource,
      error: 'States.Timeout',
      cause: 'The task timed out.',
    },
  }),
};
