import { type SESClient, sesQueryClient } from '../aws/ses.ts';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's SES client (the lean one, shared/runtime/aws/), made on first use. */
export function sesClient(clients: ClientSource): SESClient {
  return clients.once('ses', () => sesQueryClient(clientOptions(clients.config, 'ses')));
}
