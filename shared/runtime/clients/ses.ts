import { SESClient } from '@aws-sdk/client-ses';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's SES client, made on first use. */
export function sesClient(clients: ClientSource): SESClient {
  return clients.once('ses', () => new SESClient(clientOptions(clients.config, 'ses')));
}
