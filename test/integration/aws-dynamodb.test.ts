import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  isConditionalCheckFailed,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '#shared/runtime/aws/dynamodb.ts';
import { startDynalite } from '../support/dynalite.ts';

/** The lean document client against dynalite, read back through the SDK's own client where it matters. */
describe('lean DynamoDB document client', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    db = await startDynalite('aws-dynamodb-test');
  });
  afterAll(() => db?.stop());

  const key = (sk: string) => ({ pk: 'LEAN', sk });

  it('writes plain values the SDK reads back as the same attributes, binary, sets and nesting included', async () => {
    const values = {
      ...key('a'),
      n: 42,
      s: 'ü',
      yes: true,
      none: null,
      bytes: new Uint8Array([0, 1, 254, 255]),
      tags: new Set(['x', 'y']),
    };
    const item = {
      ...values,
      nested: { list: [1, 'two', { three: 3 }], skipped: undefined },
      skipped: undefined,
    };
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item }));
    const raw = await db.client.send(
      new GetItemCommand({ TableName: db.tableName, Key: { pk: { S: 'LEAN' }, sk: { S: 'a' } } }),
    );
    expect(raw.Item?.n).toEqual({ N: '42' });
    expect(raw.Item?.bytes?.B).toEqual(new Uint8Array([0, 1, 254, 255]));
    expect(raw.Item?.skipped).toBeUndefined();
    const { Item } = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key('a') }));
    expect(Item).toEqual({ ...values, nested: { list: [1, 'two', { three: 3 }] } });
  });

  it('updates with expression values and returns the new attributes', async () => {
    const out = await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: key('a'),
        UpdateExpression: 'SET n = n + :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(out.Attributes?.n).toBe(43);
  });

  it('a refused condition is a ConditionalCheckFailedException (dynalite sends no item; aws-json-client.test.ts checks it)', async () => {
    const error = await db.doc
      .send(
        new PutCommand({
          TableName: db.tableName,
          Item: key('a'),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((e: unknown) => e);
    expect(isConditionalCheckFailed(error)).toBe(true);
    expect(isConditionalCheckFailed(new Error('other'))).toBe(false);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  it('pages a query with ExclusiveStartKey and LastEvaluatedKey', async () => {
    await db.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [db.tableName]: ['b', 'c', 'd'].map((sk) => ({
            PutRequest: { Item: { ...key(sk), n: sk.charCodeAt(0) } },
          })),
        },
      }),
    );
    const seen: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'LEAN' },
          Limit: 2,
          ExclusiveStartKey: start,
        }),
      );
      seen.push(...(page.Items ?? []).map((i) => String(i.sk)));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });

  it('batch-gets plain items and deletes', async () => {
    const { Responses } = await db.doc.send(
      new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: [key('b'), key('c')] } } }),
    );
    expect(Responses?.[db.tableName]?.map((i) => i.n).sort()).toEqual([98, 99]);
    const { Attributes } = await db.doc.send(
      new DeleteCommand({ TableName: db.tableName, Key: key('b'), ReturnValues: 'ALL_OLD' }),
    );
    expect(Attributes?.n).toBe(98);
    expect(
      (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key('b') }))).Item,
    ).toBeUndefined();
  });
});
