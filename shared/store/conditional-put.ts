import {
  type DynamoDBDocumentClient,
  GetCommand,
  isConditionalCheckFailed,
  PutCommand,
} from '../runtime/aws/dynamodb.ts';

type Item = Record<string, unknown>;

/**
 * Runs a conditional write: true when it was made, false when its condition did not hold (another
 * write came first, or the item is not in the state the write expects). Other errors propagate.
 */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/**
 * Writes `item` unless an item with its key exists: true when this call wrote it, false when another
 * (or an earlier try of this one) did. The one conditional create the stores use, so a retried create
 * is harmless everywhere.
 */
export function claimOnce(doc: DynamoDBDocumentClient, tableName: string, item: Item): Promise<boolean> {
  return conditionHeld(
    doc.send(
      new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    ),
  );
}

/** `claimOnce`, and when the key was taken, the item that holds it (read consistently). */
export async function claimOnceOrExisting(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: Item & { pk: string; sk: string },
): Promise<{ claimed: true } | { claimed: false; existing: Item }> {
  if (await claimOnce(doc, tableName, item)) return { claimed: true };
  const { Item: existing } = await doc.send(
    new GetCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
  );
  if (!existing) throw new Error(`item ${item.pk} ${item.sk} vanished between write and read`);
  return { claimed: false, existing };
}

/**
 * Replaces `item` if the stored one is still at `expectedVersion` (optimistic concurrency); without an
 * expected version, writes it unconditionally. False when another write came first.
 */
export function putAtVersion(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: Item,
  expectedVersion: number | undefined,
): Promise<boolean> {
  return conditionHeld(
    doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ...(expectedVersion === undefined
          ? {}
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      }),
    ),
  );
}
