import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '../runtime/aws/dynamodb.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { itemsOfIndexPage, splitIndexQuery } from './items-by-key.ts';
import { INDEX, keys } from './table-keys.ts';

type Item = Record<string, unknown>;

/**
 * Every item a query matches, page after page (DynamoDB returns at most 1 MB a call). `max` stops
 * early once that many items are in hand (the result may hold a page more). Through a narrow index,
 * each page's items are fetched by key.
 */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  options: { max?: number } = {},
): Promise<Item[]> {
  const { query, projection } = splitIndexQuery(input);
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({ ...query, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(
      ...(await itemsOfIndexPage(
        doc,
        String(input.TableName),
        input.IndexName,
        page.Items ?? [],
        projection,
      )),
    );
    start = page.LastEvaluatedKey;
  } while (start && (options.max === undefined || items.length < options.max));
  return items;
}

/** How many items a query matches, counted page by page without reading them. */
export async function countAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<number> {
  let count = 0;
  let start: Item | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({ ...input, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/**
 * One page of a query for a caller that pages itself, with an opaque cursor checked to belong to the
 * partition being read (so a cursor cannot point the query at another desk's items).
 */
export async function queryPage(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  cursor: { value: string | undefined; attribute: string; partition: string },
): Promise<{ items: Item[]; nextCursor: string | undefined }> {
  const { query, projection } = splitIndexQuery(input);
  const page = await doc.send(
    new QueryCommand({
      ...query,
      ...(cursor.value
        ? { ExclusiveStartKey: decodeCursor(cursor.value, cursor.attribute, cursor.partition) }
        : {}),
    }),
  );
  return {
    items: await itemsOfIndexPage(
      doc,
      String(input.TableName),
      input.IndexName,
      page.Items ?? [],
      projection,
    ),
    nextCursor: page.LastEvaluatedKey ? encodeCursor(page.LastEvaluatedKey) : undefined,
  };
}

/** The newest items of a desk's data class (byDataClassCreated, newest first), one page of at most `limit`. */
export async function newestOfClass(
  doc: DynamoDBDocumentClient,
  tableName: string,
  desk: string,
  dataClass: string,
  limit: number,
): Promise<Item[]> {
  const page = await doc.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: INDEX.byDataClassCreated,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.dataClass(desk, dataClass) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return itemsOfIndexPage(doc, tableName, INDEX.byDataClassCreated, page.Items ?? []);
}
