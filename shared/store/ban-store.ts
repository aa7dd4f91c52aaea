import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/** A requester banned from a desk's support (RareLogic: "abusive or fraudulent" requesters). */
export interface Ban {
  desk: string;
  /** What is banned, normalised (shared/tickets/ban-address.ts): `troll@example.com`, or `@example.com` for a domain. */
  email: string;
  reason: string;
  bannedBy: string;
  bannedAt: string;
  /** Intake attempts refused since the ban (count and last time; never their content). */
  blockedAttempts: number;
  lastBlockedAt: string | null;
}

export interface BanStore {
  /** The first of `keys` (most specific first) that is banned at the desk, in one batch read. */
  find(desk: string, keys: readonly string[]): Promise<Ban | undefined>;
  /** `false` if the address is already banned. */
  add(ban: Ban): Promise<boolean>;
  /** `false` if there was no ban. */
  remove(desk: string, email: string): Promise<boolean>;
  list(desk: string): Promise<Ban[]>;
  recordBlocked(desk: string, email: string, at: string): Promise<void>;
}

const key = (desk: string, email: string) => ({ pk: `DESK#${desk}#BANS`, sk: `BAN#${email}` });

export function dynamoBanStore(doc: DynamoDBDocumentClient, tableName: string): BanStore {
  const toBan = (item: Record<string, unknown>): Ban => {
    const { pk, sk, kind, ...ban } = item;
    return ban as unknown as Ban;
  };
  return {
    async find(desk, keys) {
      // An address has at most ~127 domain suffixes (253-character domain); BatchGetItem takes 100 keys.
      const unique = [...new Set(keys)];
      const found = new Map<string, Ban>();
      for (let i = 0; i < unique.length; i += 100) {
        let request: BatchGetCommandInput['RequestItems'] = {
          [tableName]: { Keys: unique.slice(i, i + 100).map((k) => key(desk, k)), ConsistentRead: true },
        };
        while (request && Object.keys(request).length) {
          const page: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: request }));
          for (const item of page.Responses?.[tableName] ?? []) {
            const ban = toBan(item);
            found.set(ban.email, ban);
          }
          request = page.UnprocessedKeys;
        }
      }
      for (const k of keys) {
        const ban = found.get(k);
        if (ban) return ban;
      }
      return undefined;
    },
    async add(ban) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(ban.desk, ban.email), kind: 'ban', ...ban },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async remove(desk, email) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(desk, email),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async list(desk) {
      const bans: Ban[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ban)',
            ExpressionAttributeValues: { ':pk': `DESK#${desk}#BANS`, ':ban': 'BAN#' },
            ExclusiveStartKey: start,
          }),
        );
        bans.push(...(page.Items ?? []).map(toBan));
        start = page.LastEvaluatedKey;
      } while (start);
      return bans;
    },
    async recordBlocked(desk, email, at) {
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(desk, email),
            UpdateExpression: 'ADD blockedAttempts :one SET lastBlockedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': 1, ':at': at },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },
  };
}
