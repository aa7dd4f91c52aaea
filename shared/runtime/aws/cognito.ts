/** Cognito user pools over the lean JSON client: the staff directory's three reads. */
import type {
  AdminGetUserCommandInput,
  AdminGetUserCommandOutput,
  AdminListGroupsForUserCommandInput,
  AdminListGroupsForUserCommandOutput,
  AttributeType,
  ListUsersInGroupCommandInput,
  ListUsersInGroupCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { JsonClientConfig } from './json-client.ts';
import { epochSeconds, type ServiceClient, ServiceCommand, serviceClient } from './service-command.ts';

export type { AttributeType };

type Raw = Record<string, unknown>;
const userDates = (user: Raw) => ({
  ...user,
  UserCreateDate: epochSeconds(user.UserCreateDate),
  UserLastModifiedDate: epochSeconds(user.UserLastModifiedDate),
});
const groupDates = (group: Raw) => ({
  ...group,
  CreationDate: epochSeconds(group.CreationDate),
  LastModifiedDate: epochSeconds(group.LastModifiedDate),
});

export class AdminGetUserCommand extends ServiceCommand<AdminGetUserCommandInput, AdminGetUserCommandOutput> {
  readonly operation = 'AdminGetUser';
  override output(raw: Raw) {
    return userDates(raw) as AdminGetUserCommandOutput;
  }
}

export class AdminListGroupsForUserCommand extends ServiceCommand<
  AdminListGroupsForUserCommandInput,
  AdminListGroupsForUserCommandOutput
> {
  readonly operation = 'AdminListGroupsForUser';
  override output(raw: Raw) {
    const groups = Array.isArray(raw.Groups) ? (raw.Groups as Raw[]).map(groupDates) : undefined;
    return { ...raw, Groups: groups } as AdminListGroupsForUserCommandOutput;
  }
}

export class ListUsersInGroupCommand extends ServiceCommand<
  ListUsersInGroupCommandInput,
  ListUsersInGroupCommandOutput
> {
  readonly operation = 'ListUsersInGroup';
  override output(raw: Raw) {
    const users = Array.isArray(raw.Users) ? (raw.Users as Raw[]).map(userDates) : undefined;
    return { ...raw, Users: users } as ListUsersInGroupCommandOutput;
  }
}

export type CognitoIdentityProviderClient = ServiceClient;

export const COGNITO = {
  endpointPrefix: 'cognito-idp',
  signingName: 'cognito-idp',
  targetPrefix: 'AWSCognitoIdentityProviderService',
  jsonVersion: '1.1',
  endpointEnv: 'COGNITO_IDENTITY_PROVIDER',
} as const;

export function cognitoJsonClient(config: JsonClientConfig): CognitoIdentityProviderClient {
  return serviceClient(COGNITO, config);
}
