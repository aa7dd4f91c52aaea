import { type SFNClient, stepFunctionsClient } from '../aws/step-functions.ts';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's Step Functions client (the lean one, shared/runtime/aws/), made on first use. */
export function sfnClient(clients: ClientSource): SFNClient {
  return clients.once('sfn', () => stepFunctionsClient(clientOptions(clients.config, 'sfn')));
}
