import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { StaffDirectory, StaffMember } from '../tickets/staff-directory.ts';
import { type Role, STAFF_ROLES } from './principal.ts';

const STAFF_GROUPS = [...STAFF_ROLES];

const attribute = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

/** The Cognito group, next to the role group, of staff on the on-call rotation. */
export const ON_CALL_GROUP = 'on-call';

/** The first word of a person's name: what customers see of the agent working their ticket. */
export function publicDisplayName(name: string | undefined, role: Role): string {
  const first = name?.trim().split(/\s+/)[0];
  return first || (role === 'agent' ? 'Support agent' : 'Support team');
}

function member(
  id: string,
  attributes: AttributeType[] | undefined,
  role: Role,
  enabled: boolean | undefined,
): StaffMember | undefined {
  const desk = attribute(attributes, 'custom:desk');
  const email = attribute(attributes, 'email');
  if (enabled === false || !desk || !email) return undefined;
  return {
    id,
    desk,
    role,
    email: email.toLowerCase(),
    displayName: publicDisplayName(attribute(attributes, 'name'), role),
  };
}

/**
 * The staff directory on Cognito: a staff member is an enabled user in exactly one staff group
 * (agent, lead, manager, ops) whose immutable `custom:desk` is the desk, as the pre-token trigger
 * requires. The endpoint comes from the SDK's own configuration (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`).
 */
export function cognitoStaffDirectory(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
): StaffDirectory {
  return {
    async lookup(desk, id) {
      try {
        const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: id }));
        const groups = await client.send(
          new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: id }),
        );
        const names = (groups.Groups ?? []).map((g) => g.GroupName);
        const staffGroups = names.map((g) => g as Role).filter((g) => STAFF_GROUPS.includes(g));
        if (staffGroups.length !== 1) return undefined;
        const found = member(id, user.UserAttributes, staffGroups[0]!, user.Enabled);
        if (found?.desk !== desk) return undefined;
        return names.includes(ON_CALL_GROUP) ? { ...found, onCall: true } : found;
      } catch (error) {
        if (error instanceof UserNotFoundException) return undefined;
        throw error;
      }
    },
    async list(desk) {
      const out: StaffMember[] = [];
      for (const role of STAFF_GROUPS) {
        let token: string | undefined;
        do {
          const page = await client.send(
            new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: role, NextToken: token }),
          );
          for (const u of page.Users ?? []) {
            const found = u.Username ? member(u.Username, u.Attributes, role, u.Enabled) : undefined;
            if (found?.desk === desk) out.push(found);
          }
          token = page.NextToken;
        } while (token);
      }
      return out;
    },
  };
}
