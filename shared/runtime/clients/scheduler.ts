import { type SchedulerClient, schedulerRestClient } from '../aws/scheduler.ts';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's EventBridge Scheduler client (the lean one, shared/runtime/aws/), made on first use. */
export function schedulerClient(clients: ClientSource): SchedulerClient {
  return clients.once('scheduler', () => schedulerRestClient(clientOptions(clients.config, 'scheduler')));
}
