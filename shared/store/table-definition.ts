import type { CreateTableCommandInput, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { INDEX, LEGACY_INDEX } from './table-keys.ts';

/**
 * What each index projects besides the table's and its own keys: only what readers take from the index
 * itself (ids to fetch, the kind of record, the backlog's creation dates). Everything else they fetch by
 * key (BatchGetItem, or one Query of a ticket's partition), so a ticket write reaches an index only when
 * the ticket enters, leaves or moves in it: about 1 WCU, not the ticket item's size again per index.
 */
export const INDEX_PROJECTION: Record<keyof typeof INDEX, readonly string[]> = {
  // Queue, reconciler, compliance deadlines, incident reviews (ids); the KPI backlog (createdAt).
  byDeskStatusDue: ['id', 'kind', 'createdAt'],
  // A requester's tickets and compliance records (ids).
  byRequester: ['id', 'kind'],
  // Retention, desk-wide lists, audit, surveys, incidents (ids; the items are fetched by key).
  byDataClassCreated: ['id', 'kind'],
  // Reconciler, mail sweep, compliance notices (ids).
  byWorkflowPending: ['id', 'kind'],
};

const ORDER = ['byDeskStatusDue', 'byRequester', 'byDataClassCreated', 'byWorkflowPending'] as const;

/**
 * Steps of the upgrade from the previous release's ALL-projected indexes: CloudFormation adds or removes
 * one GSI per stack update. Step k has the first min(k, 4) narrow indexes and the legacy indexes from
 * k − 4 on; 0 is the previous release's table, `INDEX_STEPS` (8) the finished one (docs/deploy.md).
 */
export const INDEX_STEPS = 8;

const gsi = (name: string, n: number, projection: readonly string[] | 'ALL'): GlobalSecondaryIndex => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
    { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
  ],
  Projection:
    projection === 'ALL'
      ? { ProjectionType: 'ALL' }
      : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection] },
});

/** The table's indexes at an upgrade step (default: finished). */
export function tableIndexes(step: number = INDEX_STEPS): GlobalSecondaryIndex[] {
  if (!Number.isInteger(step) || step < 0 || step > INDEX_STEPS)
    throw new Error(`index upgrade step must be 0–${INDEX_STEPS}, not ${step}`);
  const narrow = ORDER.slice(0, Math.min(step, 4)).map((name) =>
    gsi(INDEX[name], ORDER.indexOf(name) + 1, INDEX_PROJECTION[name]),
  );
  const legacy = ORDER.slice(Math.max(0, step - 4)).map((name) =>
    gsi(LEGACY_INDEX[name], ORDER.indexOf(name) + 1, 'ALL'),
  );
  return [...narrow, ...legacy];
}

/** Whether an index projects every attribute (a reader of a narrow one fetches the items by key). */
export function projectsAll(indexName: string): boolean {
  return !Object.values(INDEX).includes(indexName as (typeof INDEX)[keyof typeof INDEX]);
}

/** The table as the local stack creates it; infra/ declares the same keys and indexes for AWS. */
export function tableDefinition(tableName: string, indexStep: number = INDEX_STEPS): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
      'gsi2pk',
      'gsi2sk',
      'gsi3pk',
      'gsi3sk',
      'gsi4pk',
      'gsi4sk',
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: tableIndexes(indexStep),
  };
}
