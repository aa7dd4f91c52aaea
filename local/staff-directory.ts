import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RoleGroup } from '#shared/auth/cognito-claims.ts';

/**
 * The local identity provider's staff directory, served as the few Cognito calls the staff
 * directory adapter makes (AdminGetUser, AdminListGroupsForUser, ListUsersInGroup), so the API
 * uses the same adapter locally as on AWS. Each desk has a lead, a manager, an ops member and two
 * agents; ids are `<desk>-<role>` and `<desk>-agent-2`. Get a token as one of them with
 * `npm run token -- --role agent --desk techflow --sub techflow-agent-2 --email ...`.
 */
export interface LocalStaffUser {
  username: string;
  desk: string;
  /** The Cognito group, named as operators create them (`agent-tier1`, `lead`, …). */
  group: RoleGroup;
  email: string;
  name: string;
  /** Also in the `on-call` group (the on-call rotation). */
  onCall?: boolean;
}

const PEOPLE: Array<{ suffix: string; group: RoleGroup; first: string; last: string; onCall?: boolean }> = [
  { suffix: 'agent', group: 'agent-tier1', first: 'Ana', last: 'Agent' },
  // Ben is on the on-call rotation (the `on-call` group, next to his role group).
  { suffix: 'agent-2', group: 'agent-tier2', first: 'Ben', last: 'Second', onCall: true },
  { suffix: 'lead', group: 'lead', first: 'Lee', last: 'Lead' },
  { suffix: 'manager', group: 'manager', first: 'Mia', last: 'Manager' },
  { suffix: 'ops', group: 'ops', first: 'Oz', last: 'Ops' },
];

export function localStaff(desks: readonly string[]): LocalStaffUser[] {
  return desks.flatMap((desk) =>
    PEOPLE.map((p) => ({
      username: `${desk}-${p.suffix}`,
      desk,
      group: p.group,
      email: `${desk}-${p.suffix}@staff.example.com`,
      name: `${p.first} ${p.last}`,
      ...(p.onCall ? { onCall: true } : {}),
    })),
  );
}

const attributes = (u: LocalStaffUser) => [
  { Name: 'sub', Value: u.username },
  { Name: 'email', Value: u.email },
  { Name: 'email_verified', Value: 'true' },
  { Name: 'name', Value: u.name },
  { Name: 'custom:desk', Value: u.desk },
];

export async function startStaffDirectoryEndpoint(users: readonly LocalStaffUser[], port = 0) {
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const input = (raw ? JSON.parse(raw) : {}) as Record<string, string | undefined>;
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const user = users.find((u) => u.username === input.Username);
      const notFound = () => send(400, { __type: 'UserNotFoundException', message: 'User does not exist.' });
      switch (target) {
        case 'AdminGetUser':
          if (!user) return notFound();
          return send(200, {
            Username: user.username,
            UserAttributes: attributes(user),
            Enabled: true,
            UserStatus: 'CONFIRMED',
          });
        case 'AdminListGroupsForUser':
          if (!user) return notFound();
          return send(200, {
            Groups: [{ GroupName: user.group }, ...(user.onCall ? [{ GroupName: 'on-call' }] : [])],
          });
        case 'ListUsersInGroup':
          return send(200, {
            Users: users
              .filter((u) => u.group === input.GroupName)
              .map((u) => ({ Username: u.username, Attributes: attributes(u), Enabled: true })),
          });
        default:
          return send(400, {
            __type: 'InvalidParameterException',
            message: `${target} is not served locally`,
          });
      }
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
