import { type CognitoIdentityProviderClient, cognitoJsonClient } from '../aws/cognito.ts';
import type { JsonClientConfig } from '../aws/json-client.ts';
import { type ClientSource, clientOptions } from './source.ts';

/** How long a call may take: a deadline per attempt and the attempts (the transport's defaults if left out). */
export type CallBudget = Pick<JsonClientConfig, 'timeoutMs' | 'maxAttempts'>;

/** The runtime's Cognito user pool client (the lean one, shared/runtime/aws/), made on first use. */
export function cognitoClient(clients: ClientSource, budget: CallBudget = {}): CognitoIdentityProviderClient {
  return clients.once('cognito', () =>
    cognitoJsonClient({ ...clientOptions(clients.config, 'cognito'), ...budget }),
  );
}
