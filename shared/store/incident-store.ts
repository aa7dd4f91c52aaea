import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { nextBreachThreshold } from '../incidents/breach.ts';
import { nextReviewThreshold } from '../incidents/commands.ts';
import type { Incident } from '../incidents/model.ts';
import { queryAll } from './query-all.ts';
import { INDEX, keys } from './table-keys.ts';

export class IncidentVersionConflict extends Error {
  constructor(readonly incidentId: string) {
    super(`Incident ${incidentId} changed concurrently`);
    this.name = 'IncidentVersionConflict';
  }
}

export interface IncidentStore {
  get(desk: string, id: string): Promise<Incident | undefined>;
  /** `false` when it already exists (a retried create). */
  putNew(incident: Incident): Promise<boolean>;
  /** Replaces the incident if the stored version is still `expectedVersion`, else IncidentVersionConflict. */
  replace(incident: Incident, expectedVersion: number): Promise<void>;
  /** Newest first. */
  list(desk: string, limit: number): Promise<Incident[]>;
  /** Incidents whose next review threshold is before `before`, soonest first. */
  listReviewDue(desk: string, before: string, limit: number): Promise<Array<{ id: string; at: string }>>;
  /** Every incident opened in [from, to), oldest first (availability reads a month and its lead-in). */
  listCreatedBetween(desk: string, from: string, to: string): Promise<Incident[]>;
}

/** Data class of incidents on the byDataClassCreated index. */
export const INCIDENT_CLASS = 'incident';

const ITEM_KEYS = new Set(['pk', 'sk', 'kind', 'gsi1pk', 'gsi1sk', 'gsi3pk', 'gsi3sk']);

/** The soonest of the review's and the reportable breach's next thresholds: where the sweep looks next. */
function nextThreshold(incident: Incident): { at: string } | null {
  const candidates = [nextReviewThreshold(incident), nextBreachThreshold(incident)].filter((t) => t !== null);
  return candidates.sort((a, b) => a.at.localeCompare(b.at))[0] ?? null;
}

function toItem(incident: Incident) {
  const threshold = nextThreshold(incident);
  return {
    ...keys.incident(incident.desk, incident.id),
    kind: 'incident',
    ...incident,
    gsi3pk: keys.dataClass(incident.desk, INCIDENT_CLASS),
    gsi3sk: `${incident.createdAt}#${incident.id}`,
    // Sparse: present only while a review threshold lies ahead, so the sweep reads only those.
    ...(threshold
      ? { gsi1pk: keys.incidentReviewDue(incident.desk), gsi1sk: `${threshold.at}#${incident.id}` }
      : {}),
  };
}

function toIncident(item: Record<string, unknown>): Incident {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !ITEM_KEYS.has(k))) as Incident;
}

export function dynamoIncidentStore(doc: DynamoDBDocumentClient, tableName: string): IncidentStore {
  return {
    async get(desk, id) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: keys.incident(desk, id), ConsistentRead: true }),
      );
      return Item ? toIncident(Item) : undefined;
    },

    async putNew(incident) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: toItem(incident),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async replace(incident, expectedVersion) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: toItem(incident),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new IncidentVersionConflict(incident.id);
        throw error;
      }
    },

    async list(desk, limit) {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.byDataClassCreated,
          KeyConditionExpression: 'gsi3pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.dataClass(desk, INCIDENT_CLASS) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map(toIncident);
    },

    async listReviewDue(desk, before, limit) {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: INDEX.byDeskStatusDue,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': keys.incidentReviewDue(desk), ':before': before },
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map((item) => ({
        id: item.id as string,
        at: String(item.gsi1sk).split('#')[0] ?? '',
      }));
    },

    async listCreatedBetween(desk, from, to) {
      const items = await queryAll(doc, {
        TableName: tableName,
        IndexName: INDEX.byDataClassCreated,
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.dataClass(desk, INCIDENT_CLASS), ':from': from, ':to': to },
      });
      return items.map(toIncident).filter((i) => i.createdAt < to);
    },
  };
}
