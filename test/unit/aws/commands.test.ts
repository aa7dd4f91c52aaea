import { describe, expect, it } from 'vitest';
import { AdminGetUserCommand, ListUsersInGroupCommand } from '#shared/runtime/aws/cognito.ts';
import { GetSecretValueCommand } from '#shared/runtime/aws/secrets-manager.ts';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
} from '#shared/runtime/aws/step-functions.ts';

/** Timestamps come as epoch seconds in JSON; the SDK hands them as Dates and the ops console relies on it. */
describe('JSON-protocol commands convert what the SDK converts', () => {
  const at = new Date('2030-01-07T15:00:00.250Z');
  const seconds = at.getTime() / 1000;

  it('Step Functions: execution dates and history timestamps become Dates', () => {
    const described = new DescribeExecutionCommand({ executionArn: 'arn' }).output({
      status: 'RUNNING',
      startDate: seconds,
    });
    expect(described.startDate).toEqual(at);
    expect(described.stopDate).toBeUndefined();
    expect(described.status).toBe('RUNNING');
    const history = new GetExecutionHistoryCommand({ executionArn: 'arn' }).output({
      events: [{ id: 1, type: 'ExecutionStarted', timestamp: seconds }],
      nextToken: 'n',
    });
    expect(history.events?.[0]?.timestamp).toEqual(at);
    expect(history.nextToken).toBe('n');
    expect(
      new StartExecutionCommand({ stateMachineArn: 'arn' }).output({ startDate: seconds }).startDate,
    ).toEqual(at);
  });

  it('Secrets Manager and Cognito: their dates too, the rest as sent', () => {
    const secret = new GetSecretValueCommand({ SecretId: 's' }).output({
      SecretString: 'v',
      CreatedDate: seconds,
    });
    expect(secret).toMatchObject({ SecretString: 'v', CreatedDate: at });
    const user = new AdminGetUserCommand({ UserPoolId: 'p', Username: 'u' }).output({
      Username: 'u',
      Enabled: true,
      UserCreateDate: seconds,
      UserAttributes: [{ Name: 'email', Value: 'a@b.c' }],
    });
    expect(user).toMatchObject({ Username: 'u', Enabled: true, UserCreateDate: at });
    const page = new ListUsersInGroupCommand({ UserPoolId: 'p', GroupName: 'g' }).output({
      Users: [{ Username: 'u', UserLastModifiedDate: seconds }],
    });
    expect(page.Users?.[0]?.UserLastModifiedDate).toEqual(at);
  });
});
