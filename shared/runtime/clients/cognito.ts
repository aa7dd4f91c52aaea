import { type CognitoIdentityProviderClient, cognitoJsonClient } from '../aws/cognito.ts';
import { type ClientSource, clientOptions } from './source.ts';

/** The runtime's Cognito user pool client (the lean one, shared/runtime/aws/), made on first use. */
export function cognitoClient(clients: ClientSource): CognitoIdentityProviderClient {
  return clients.once('cognito', () => cognitoJsonClient(clientOptions(clients.config, 'cognito')));
}
