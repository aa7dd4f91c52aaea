import { BatchGetCommand, type DynamoDBDocumentClient } from '../runtime/aws/dynamodb.ts';
import { projectsAll } from './table-definition.ts';

type Item = Record<string, unknown>;

/**
 * The whole items behind index entries, in the entries' order, fetched by key in batches of 100
 * (BatchGetItem): the indexes project keys and ids only. An item deleted since the index was read is
 * left out. `projection` narrows what is fetched, as a Query's ProjectionExpression would.
 */
export async function itemsByKey(
  doc: DynamoDBDocumentClient,
  tableName: string,
  entries: readonly Item[],
  projection?: { ProjectionExpression: string; ExpressionAttributeNames?: Record<string, string> },
): Promise<Item[]> {
  const keyOf = (i: Item) => `${String(i.pk)}\u0000${String(i.sk)}`;
  const found = new Map<string, Item>();
  for (let from = 0; from < entries.length; from += 100) {
    let keys: Item[] = entries.slice(from, from + 100).map((e) => ({ pk: e.pk, sk: e.sk }));
    for (let attempt = 1; keys.length; attempt++) {
      const page = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys,
              // The keys always come back, so the result can be put back in the index's order.
              ...(projection
                ? {
                    ProjectionExpression: `${projection.ProjectionExpression}, pk, sk`,
                    ...(projection.ExpressionAttributeNames
                      ? { ExpressionAttributeNames: projection.ExpressionAttributeNames }
                      : {}),
                  }
                : {}),
            },
          },
        }),
      );
      for (const item of page.Responses?.[tableName] ?? []) found.set(keyOf(item), item);
      keys = (page.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
      if (keys.length && attempt >= 5) throw new Error('batch get: keys left unprocessed');
      if (keys.length) await new Promise((ok) => setTimeout(ok, 50 * 2 ** attempt));
    }
  }
  return entries.flatMap((e) => {
    const item = found.get(keyOf(e));
    return item ? [item] : [];
  });
}

/** The whole items of a page read through `indexName` (as read when the index projects everything). */
export const itemsOfIndexPage = (
  doc: DynamoDBDocumentClient,
  tableName: string,
  indexName: string | undefined,
  entries: readonly Item[],
  projection?: { ProjectionExpression: string; ExpressionAttributeNames?: Record<string, string> },
): Promise<Item[]> =>
  indexName && !projectsAll(indexName)
    ? itemsByKey(doc, tableName, entries, projection)
    : Promise.resolve([...entries]);

/** Names of `names` that `expressions` use (DynamoDB refuses a request with an unused name). */
function usedNames(names: Record<string, string> | undefined, expressions: Array<string | undefined>) {
  const used = Object.entries(names ?? {}).filter(([alias]) =>
    expressions.some((e) => e !== undefined && new RegExp(`${alias}(?![A-Za-z0-9_])`).test(e)),
  );
  return used.length ? Object.fromEntries(used) : undefined;
}

/**
 * A Query on a narrow index split in two: the index query without the ProjectionExpression (the index
 * holds keys and ids only), and the projection for fetching the items by key afterwards.
 */
export function splitIndexQuery<
  T extends {
    IndexName?: string | undefined;
    KeyConditionExpression?: string | undefined;
    FilterExpression?: string | undefined;
    ProjectionExpression?: string | undefined;
    ExpressionAttributeNames?: Record<string, string> | undefined;
  },
>(
  input: T,
): {
  query: T;
  projection?: { ProjectionExpression: string; ExpressionAttributeNames?: Record<string, string> };
} {
  if (!input.IndexName || projectsAll(input.IndexName) || !input.ProjectionExpression)
    return { query: input };
  const { ProjectionExpression, ExpressionAttributeNames, ...rest } = input;
  const queryNames = usedNames(ExpressionAttributeNames, [
    input.KeyConditionExpression,
    input.FilterExpression,
  ]);
  const projectionNames = usedNames(ExpressionAttributeNames, [ProjectionExpression]);
  return {
    query: { ...rest, ...(queryNames ? { ExpressionAttributeNames: queryNames } : {}) } as T,
    projection: {
      ProjectionExpression,
      ...(projectionNames ? { ExpressionAttributeNames: projectionNames } : {}),
    },
  };
}
