/** Secrets Manager over the lean JSON client: the one read the keyrings need. */
import type {
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import type { JsonClientConfig } from './json-client.ts';
import { epochSeconds, type ServiceClient, ServiceCommand, serviceClient } from './service-command.ts';

export class GetSecretValueCommand extends ServiceCommand<
  GetSecretValueCommandInput,
  GetSecretValueCommandOutput
> {
  readonly operation = 'GetSecretValue';
  override output(raw: Record<string, unknown>) {
    // SecretBinary (base64 on the wire) is left as it comes: tierdesk's keyrings are strings.
    return { ...raw, CreatedDate: epochSeconds(raw.CreatedDate) } as GetSecretValueCommandOutput;
  }
}

export type SecretsManagerClient = ServiceClient;

export const SECRETS_MANAGER = {
  endpointPrefix: 'secretsmanager',
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
  endpointEnv: 'SECRETS_MANAGER',
} as const;

export function secretsManagerJsonClient(config: JsonClientConfig): SecretsManagerClient {
  return serviceClient(SECRETS_MANAGER, config);
}
