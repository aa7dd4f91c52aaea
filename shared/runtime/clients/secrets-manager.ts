import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's Secrets Manager client, made on first use. */
export function secretsManagerClient(clients: ClientSource): SecretsManagerClient {
  return clients.once(
    'secretsManager',
    () => new SecretsManagerClient(clientOptions(clients.config, 'secretsManager')),
  );
}
