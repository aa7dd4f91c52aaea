/**
 * DynamoDB as the stores use it: the document client's commands, by the SDK's names and with the SDK's
 * input and output types (`import type`: they cost no bytes), over the lean JSON client. Plain values are
 * marshalled with `@aws-sdk/util-dynamodb` wherever `@aws-sdk/lib-dynamodb` marshals them for the
 * expression-style parameters (`Key`, `Item`, `ExpressionAttributeValues`, `ExclusiveStartKey`, batch
 * requests) and unmarshalled wherever it unmarshals them (`Item`, `Items`, `Attributes`,
 * `LastEvaluatedKey`, `Responses`, `Unprocessed*`, a conditional failure's `Item`). The legacy
 * parameters (`Expected`, `KeyConditions`, `AttributeUpdates`...) are not used here and not converted.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { JsonClientConfig } from './json-client.ts';
import { type ServiceClient, ServiceCommand, serviceClient } from './service-command.ts';
import { isServiceError } from './service-error.ts';

/** The input and output types the stores name. */
export type { BatchGetCommandInput, BatchGetCommandOutput, QueryCommandInput };

type Doc = Record<string, unknown>;
type Wire = Record<string, unknown>;
type WireMap = Record<string, unknown>;

/** Attributes left undefined are dropped, not refused: the stores write optional fields as they are. */
const MARSHALL = { removeUndefinedValues: true } as const;

// Binary values travel as base64 in JSON; util-dynamodb hands and takes them as bytes.
function encodeValue(value: AttributeValue): unknown {
  if (value.B) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L) return { L: value.L.map(encodeValue) };
  if (value.M) return { M: encodeMap(value.M) };
  return value;
}
function encodeMap(map: Record<string, AttributeValue>): WireMap {
  const out: WireMap = {};
  for (const [name, value] of Object.entries(map)) out[name] = encodeValue(value);
  return out;
}
/** Bytes as the SDK hands them: a plain Uint8Array, not a Buffer. */
const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));
function decodeValue(value: Wire): AttributeValue {
  if (typeof value.B === 'string') return { B: bytes(value.B) };
  if (Array.isArray(value.BS)) return { BS: (value.BS as string[]).map(bytes) };
  if (Array.isArray(value.L)) return { L: (value.L as Wire[]).map(decodeValue) };
  if (value.M && typeof value.M === 'object') return { M: decodeMap(value.M as WireMap) };
  return value as unknown as AttributeValue;
}
function decodeMap(map: WireMap): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(map)) out[name] = decodeValue(value as Wire);
  return out;
}

/** A plain record as an attribute map on the wire (undefined stays undefined). */
const toWire = (doc: Doc | undefined) => (doc === undefined ? undefined : encodeMap(marshall(doc, MARSHALL)));
/** An attribute map from the wire as a plain record (absent stays absent). */
const fromWire = <T = Doc>(map: unknown) =>
  map === undefined || map === null ? undefined : (unmarshall(decodeMap(map as WireMap)) as T);

const mapValues = <A, B>(record: Record<string, A> | undefined, f: (a: A) => B) =>
  record === undefined ? undefined : Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));

/** One document command: its input marshalled for the wire, its output unmarshalled from it. */
abstract class DocumentCommand<I, O> extends ServiceCommand<I, O> {
  abstract override wireInput(): unknown;
  abstract override output(raw: Wire): O;
}

export class GetCommand extends DocumentCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
  wireInput() {
    return { ...this.input, Key: toWire(this.input.Key) };
  }
  output(raw: Wire) {
    return { ...raw, Item: fromWire(raw.Item) } as GetCommandOutput;
  }
}

export class PutCommand extends DocumentCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
  wireInput() {
    const { Item, ExpressionAttributeValues } = this.input;
    return {
      ...this.input,
      Item: toWire(Item),
      ExpressionAttributeValues: toWire(ExpressionAttributeValues),
    };
  }
  output(raw: Wire) {
    return { ...raw, Attributes: fromWire(raw.Attributes) } as PutCommandOutput;
  }
}

export class UpdateCommand extends DocumentCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
  wireInput() {
    const { Key, ExpressionAttributeValues } = this.input;
    return { ...this.input, Key: toWire(Key), ExpressionAttributeValues: toWire(ExpressionAttributeValues) };
  }
  output(raw: Wire) {
    return { ...raw, Attributes: fromWire(raw.Attributes) } as UpdateCommandOutput;
  }
}

export class DeleteCommand extends DocumentCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
  wireInput() {
    const { Key, ExpressionAttributeValues } = this.input;
    return { ...this.input, Key: toWire(Key), ExpressionAttributeValues: toWire(ExpressionAttributeValues) };
  }
  output(raw: Wire) {
    return { ...raw, Attributes: fromWire(raw.Attributes) } as DeleteCommandOutput;
  }
}

function pageInput(input: QueryCommandInput | ScanCommandInput) {
  return {
    ...input,
    ExclusiveStartKey: toWire(input.ExclusiveStartKey),
    ExpressionAttributeValues: toWire(input.ExpressionAttributeValues),
  };
}
function pageOutput(raw: Wire) {
  return {
    ...raw,
    Items: Array.isArray(raw.Items) ? raw.Items.map((item) => fromWire(item)) : undefined,
    LastEvaluatedKey: fromWire(raw.LastEvaluatedKey),
  };
}

export class QueryCommand extends DocumentCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
  wireInput() {
    return pageInput(this.input);
  }
  output(raw: Wire) {
    return pageOutput(raw) as QueryCommandOutput;
  }
}

export class ScanCommand extends DocumentCommand<ScanCommandInput, ScanCommandOutput> {
  readonly operation = 'Scan';
  wireInput() {
    return pageInput(this.input);
  }
  output(raw: Wire) {
    return pageOutput(raw) as ScanCommandOutput;
  }
}

type KeysAndAttributes = { Keys?: Doc[] | undefined };
const keysToWire = (request: KeysAndAttributes) => ({
  ...request,
  Keys: request.Keys?.map((k) => toWire(k)),
});
const keysFromWire = (request: unknown) => {
  const r = request as { Keys?: unknown[] };
  return { ...r, Keys: r.Keys?.map((k) => fromWire(k)) };
};

export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
  wireInput() {
    return { ...this.input, RequestItems: mapValues(this.input.RequestItems, keysToWire) };
  }
  output(raw: Wire) {
    return {
      ...raw,
      Responses: mapValues(raw.Responses as Record<string, unknown[]> | undefined, (items) =>
        items.map((item) => fromWire(item)),
      ),
      UnprocessedKeys: mapValues(raw.UnprocessedKeys as Record<string, unknown> | undefined, keysFromWire),
    } as BatchGetCommandOutput;
  }
}

type WriteRequest = { PutRequest?: { Item?: Doc | undefined }; DeleteRequest?: { Key?: Doc | undefined } };
function writeRequests(requests: WriteRequest[], convert: (map: never) => unknown) {
  return requests.map((r) => ({
    ...(r.PutRequest ? { PutRequest: { ...r.PutRequest, Item: convert(r.PutRequest.Item as never) } } : {}),
    ...(r.DeleteRequest
      ? { DeleteRequest: { ...r.DeleteRequest, Key: convert(r.DeleteRequest.Key as never) } }
      : {}),
  }));
}

export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
  wireInput() {
    return {
      ...this.input,
      RequestItems: mapValues(this.input.RequestItems as Record<string, WriteRequest[]>, (requests) =>
        writeRequests(requests, toWire),
      ),
    };
  }
  output(raw: Wire) {
    return {
      ...raw,
      UnprocessedItems: mapValues(
        raw.UnprocessedItems as Record<string, WriteRequest[]> | undefined,
        (requests) => writeRequests(requests, fromWire),
      ),
    } as BatchWriteCommandOutput;
  }
}

/** The document client the stores are given. */
export type DynamoDBDocumentClient = ServiceClient;

export const DYNAMODB = {
  endpointPrefix: 'dynamodb',
  signingName: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  jsonVersion: '1.0',
  endpointEnv: 'DYNAMODB',
} as const;

export function dynamoDocumentClient(config: JsonClientConfig): DynamoDBDocumentClient {
  const client = serviceClient(DYNAMODB, config);
  return {
    async send(command) {
      try {
        return await client.send(command);
      } catch (error) {
        // ReturnValuesOnConditionCheckFailure's item, as plain values (as lib-dynamodb hands it).
        if (error instanceof Error && 'Item' in error && error.Item) error.Item = fromWire(error.Item);
        throw error;
      }
    },
    destroy: client.destroy,
  };
}

/** A condition expression refused the write (what `instanceof ConditionalCheckFailedException` tested). */
export const isConditionalCheckFailed = (error: unknown) =>
  isServiceError(error, 'ConditionalCheckFailedException');
