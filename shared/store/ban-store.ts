import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  UpdateCommand,
} from '../runtime/aws/dynamodb.ts';
import type { Ban, BanStore } from '../tickets/ports.ts';
import { claimOnce, conditionHeld } from './conditional-put.ts';
import { queryAll } from './query-all.ts';
import { keys as tableKeys, withoutKeys } from './table-keys.ts';

const key = (desk: string, email: string) => ({ pk: `DESK#${desk}#BANS`, sk: `BAN#${email}` });

export function dynamoBanStore(doc: DynamoDBDocumentClient, tableName: string): BanStore {
  const toBan = (item: Record<string, unknown>) => withoutKeys(item) as unknown as Ban;
  /** The bans among `banKeys` and, riding on the first batch, the suppression item of `mailbox`. */
  async function read(desk: string, banKeys: readonly string[], mailbox: string | undefined) {
    // An address has at most ~127 domain suffixes (253-character domain); BatchGetItem takes 100 keys.
    const unique = [...new Set(banKeys)];
    const found = new Map<string, Ban>();
    let suppressed: { reason: string; at: string } | undefined;
    const extra = mailbox ? [tableKeys.suppressedAddress(desk, mailbox)] : [];
    for (let i = 0; i < unique.length || (i === 0 && extra.length); i += 100) {
      let request: BatchGetCommandInput['RequestItems'] = {
        [tableName]: {
          Keys: [...unique.slice(i, i + 100).map((k) => key(desk, k)), ...(i === 0 ? extra : [])],
          ConsistentRead: true,
        },
      };
      while (request && Object.keys(request).length) {
        const page: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of page.Responses?.[tableName] ?? []) {
          if (item.kind === 'suppressed-address') {
            suppressed = { reason: String(item.reason), at: String(item.at) };
            continue;
          }
          const ban = toBan(item);
          found.set(ban.email, ban);
        }
        request = page.UnprocessedKeys;
      }
    }
    const ban = banKeys.map((k) => found.get(k)).find((b) => b !== undefined);
    return { ban, suppressed };
  }
  return {
    async find(desk, banKeys) {
      return (await read(desk, banKeys, undefined)).ban;
    },
    findWithSuppression: (desk, banKeys, mailbox) => read(desk, banKeys, mailbox),
    add: (ban) => claimOnce(doc, tableName, { ...key(ban.desk, ban.email), kind: 'ban', ...ban }),
    async remove(desk, email) {
      return conditionHeld(
        doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(desk, email),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
    },
    async list(desk) {
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ban)',
        ExpressionAttributeValues: { ':pk': `DESK#${desk}#BANS`, ':ban': 'BAN#' },
      });
      return items.map(toBan);
    },
    async recordBlocked(desk, email, at) {
      // A ban lifted meanwhile has nothing to count.
      await conditionHeld(
        doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(desk, email),
            UpdateExpression: 'ADD blockedAttempts :one SET lastBlockedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': 1, ':at': at },
          }),
        ),
      );
    },
  };
}
