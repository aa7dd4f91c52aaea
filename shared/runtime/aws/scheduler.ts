/**
 * EventBridge Scheduler over the lean transport, on the wire as `@aws-sdk/client-scheduler` puts it
 * (REST-JSON: `POST /schedules/{Name}`, `DELETE /schedules/{Name}?groupName=…&clientToken=…`): the two
 * calls the deadline schedules make. The SDK's input and output types are imported as types only.
 */
import { randomUUID } from 'node:crypto';
import type {
  CreateScheduleCommandInput,
  CreateScheduleCommandOutput,
  DeleteScheduleCommandInput,
  DeleteScheduleCommandOutput,
} from '@aws-sdk/client-scheduler';
import { type AwsEndpoint, type AwsHttpConfig, awsHttpClient, type HttpRequest } from './http-client.ts';
import { jsonBody, jsonError } from './json-client.ts';
import type { ResponseMetadata } from './service-error.ts';
import { uriEncode } from './signature-v4.ts';

export const SCHEDULER = {
  endpointPrefix: 'scheduler',
  signingName: 'scheduler',
  endpointEnv: 'SCHEDULER',
} as const satisfies AwsEndpoint;

/** The schedule's path; like the SDK, a call without a name is refused before it is sent. */
function schedulePath(name: string | undefined): string {
  if (!name) throw new Error('No value provided for input HTTP label: Name.');
  return `/schedules/${uriEncode(name)}`;
}

/** Dates travel as epoch seconds. */
const epoch = (date: Date | undefined) => (date === undefined ? undefined : date.getTime() / 1000);

export class CreateScheduleCommand {
  constructor(readonly input: CreateScheduleCommandInput) {}
  request(): HttpRequest {
    const { Name, StartDate, EndDate, ClientToken, ...rest } = this.input;
    return {
      method: 'POST',
      path: schedulePath(Name),
      headers: { 'content-type': 'application/json' },
      // The SDK's idempotency token when none is given: one per call, the same on its retries.
      body: JSON.stringify({
        ...rest,
        StartDate: epoch(StartDate),
        EndDate: epoch(EndDate),
        ClientToken: ClientToken ?? randomUUID(),
      }),
    };
  }
  output(raw: Record<string, unknown>, $metadata: ResponseMetadata): CreateScheduleCommandOutput {
    return { ScheduleArn: raw.ScheduleArn as string, $metadata };
  }
}

export class DeleteScheduleCommand {
  constructor(readonly input: DeleteScheduleCommandInput) {}
  request(): HttpRequest {
    const { Name, GroupName, ClientToken } = this.input;
    return {
      method: 'DELETE',
      path: schedulePath(Name),
      query: { ...(GroupName ? { groupName: GroupName } : {}), clientToken: ClientToken ?? randomUUID() },
    };
  }
  output(_raw: Record<string, unknown>, $metadata: ResponseMetadata): DeleteScheduleCommandOutput {
    return { $metadata };
  }
}

type SchedulerCommand = CreateScheduleCommand | DeleteScheduleCommand;
type OutputOf<C extends SchedulerCommand> = ReturnType<C['output']>;

export interface SchedulerClient {
  send<C extends SchedulerCommand>(command: C): Promise<OutputOf<C>>;
  destroy(): void;
}

export function schedulerRestClient(config: AwsHttpConfig): SchedulerClient {
  const client = awsHttpClient(SCHEDULER, config, { parseError: jsonError, escapePath: true });
  return {
    async send<C extends SchedulerCommand>(command: C) {
      const response = await client.send(command.request());
      return command.output(jsonBody(response) ?? {}, response.metadata) as OutputOf<C>;
    },
    destroy: client.destroy,
  };
}
