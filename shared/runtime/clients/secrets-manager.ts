import { type SecretsManagerClient, secretsManagerJsonClient } from '../aws/secrets-manager.ts';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's Secrets Manager client (the lean one, shared/runtime/aws/), made on first use. */
export function secretsManagerClient(clients: ClientSource): SecretsManagerClient {
  return clients.once('secretsManager', () =>
    secretsManagerJsonClient(clientOptions(clients.config, 'secretsManager')),
  );
}
