import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's EventBridge Scheduler client, made on first use. */
export function schedulerClient(clients: ClientSource): SchedulerClient {
  return clients.once('scheduler', () => new SchedulerClient(clientOptions(clients.config, 'scheduler')));
}
