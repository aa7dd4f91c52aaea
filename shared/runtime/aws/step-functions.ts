/**
 * Step Functions over the lean JSON client: the operations the workflow signals and the ops console call,
 * by the SDK's names and types, with timestamps (epoch seconds on the wire) as Dates as the SDK hands them.
 */
import type {
  DescribeExecutionCommandInput,
  DescribeExecutionCommandOutput,
  GetExecutionHistoryCommandInput,
  GetExecutionHistoryCommandOutput,
  HistoryEvent,
  SendTaskFailureCommandInput,
  SendTaskFailureCommandOutput,
  SendTaskSuccessCommandInput,
  SendTaskSuccessCommandOutput,
  StartExecutionCommandInput,
  StartExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import type { JsonClientConfig } from './json-client.ts';
import { epochSeconds, type ServiceClient, ServiceCommand, serviceClient } from './service-command.ts';

export type { HistoryEvent };

export class StartExecutionCommand extends ServiceCommand<
  StartExecutionCommandInput,
  StartExecutionCommandOutput
> {
  readonly operation = 'StartExecution';
  override output(raw: Record<string, unknown>) {
    return { ...raw, startDate: epochSeconds(raw.startDate) } as StartExecutionCommandOutput;
  }
}

export class SendTaskSuccessCommand extends ServiceCommand<
  SendTaskSuccessCommandInput,
  SendTaskSuccessCommandOutput
> {
  readonly operation = 'SendTaskSuccess';
}

export class SendTaskFailureCommand extends ServiceCommand<
  SendTaskFailureCommandInput,
  SendTaskFailureCommandOutput
> {
  readonly operation = 'SendTaskFailure';
}

export class DescribeExecutionCommand extends ServiceCommand<
  DescribeExecutionCommandInput,
  DescribeExecutionCommandOutput
> {
  readonly operation = 'DescribeExecution';
  override output(raw: Record<string, unknown>) {
    return {
      ...raw,
      startDate: epochSeconds(raw.startDate),
      stopDate: epochSeconds(raw.stopDate),
      redriveDate: epochSeconds(raw.redriveDate),
    } as DescribeExecutionCommandOutput;
  }
}

export class GetExecutionHistoryCommand extends ServiceCommand<
  GetExecutionHistoryCommandInput,
  GetExecutionHistoryCommandOutput
> {
  readonly operation = 'GetExecutionHistory';
  override output(raw: Record<string, unknown>) {
    const events = Array.isArray(raw.events)
      ? (raw.events as Record<string, unknown>[]).map((e) => ({ ...e, timestamp: epochSeconds(e.timestamp) }))
      : undefined;
    return { ...raw, events } as GetExecutionHistoryCommandOutput;
  }
}

export type SFNClient = ServiceClient;

export const STEP_FUNCTIONS = {
  endpointPrefix: 'states',
  signingName: 'states',
  targetPrefix: 'AWSStepFunctions',
  jsonVersion: '1.0',
  endpointEnv: 'SFN',
} as const;

export function stepFunctionsClient(config: JsonClientConfig): SFNClient {
  return serviceClient(STEP_FUNCTIONS, config);
}
