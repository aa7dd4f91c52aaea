import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { INDEX } from './table-keys.ts';

const gsi = (name: string, n: number) => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: `gsi${n}pk`, KeyType: 'HASH' as const },
    { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
});

/** The table as the local stack creates it; infra/ declares the same keys and indexes for AWS. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
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
    GlobalSecondaryIndexes: [
      gsi(INDEX.byDeskStatusDue, 1),
      gsi(INDEX.byRequester, 2),
      gsi(INDEX.byDataClassCreated, 3),
      gsi(INDEX.byWorkflowPending, 4),
    ],
  };
}
