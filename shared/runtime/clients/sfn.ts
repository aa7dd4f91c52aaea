import { SFNClient } from '@aws-sdk/client-sfn';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's Step Functions client, made on first use. */
export function sfnClient(clients: ClientSource): SFNClient {
  return clients.once('sfn', () => new SFNClient(clientOptions(clients.config, 'sfn')));
}
