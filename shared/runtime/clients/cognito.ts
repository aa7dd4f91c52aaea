import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's Cognito user pool client, made on first use. */
export function cognitoClient(clients: ClientSource): CognitoIdentityProviderClient {
  return clients.once(
    'cognito',
    () => new CognitoIdentityProviderClient(clientOptions(clients.config, 'cognito')),
  );
}
