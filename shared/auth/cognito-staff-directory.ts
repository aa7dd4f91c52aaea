import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
} from '../runtime/aws/cognito.ts';
import { isServiceError } from '../runtime/aws/service-error.ts';
import type { StaffDirectory, StaffMember } from '../tickets/staff-directory.ts';
import { ROLE_GROUP_NAMES, ROLE_GROUPS, type RoleGroup } from './cognito-claims.ts';
import { type Role, STAFF_ROLES } from './principal.ts';

/** The Cognito groups that make a user staff (`agent-tier1`…`4`, `lead`, `manager`, `ops`) and their roles. */
const STAFF_GROUPS = ROLE_GROUP_NAMES.filter((g) => STAFF_ROLES.has(ROLE_GROUPS[g].role));
const isStaffGroup = (name: string | undefined): name is RoleGroup =>
  name !== undefined && (STAFF_GROUPS as readonly string[]).includes(name);

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
 * (`agent-tier1`…`agent-tier4`, `lead`, `manager`, `ops`: the groups the pre-token trigger maps) whose immutable `custom:desk` is the desk, as the pre-token trigger
 * requires. The endpoint comes from the runtime's client configuration (or `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`).
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
        const staffGroups = names.filter(isStaffGroup);
        if (staffGroups.length !== 1) return undefined;
        const found = member(id, user.UserAttributes, ROLE_GROUPS[staffGroups[0]!].role, user.Enabled);
        if (found?.desk !== desk) return undefined;
        return names.includes(ON_CALL_GROUP) ? { ...found, onCall: true } : found;
      } catch (error) {
        if (isServiceError(error, 'UserNotFoundException')) return undefined;
        throw error;
      }
    },
    async list(desk) {
      const out: StaffMember[] = [];
      for (const group of STAFF_GROUPS) {
        const role = ROLE_GROUPS[group].role;
        let token: string | undefined;
        do {
          const page = await client.send(
            new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: group, NextToken: token }),
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
