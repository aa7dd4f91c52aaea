import { nextBreachThreshold } from '../incidents/breach.ts';
import { nextReviewThreshold } from '../incidents/commands.ts';
import type { Incident } from '../incidents/model.ts';
import { type IncidentStore, IncidentVersionConflict } from '../incidents/ports.ts';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '../runtime/aws/dynamodb.ts';
import { claimOnce, putAtVersion } from './conditional-put.ts';
import { newestOfClass, queryAll } from './query-all.ts';
import { byClass, INDEX, keys, withoutKeys } from './table-keys.ts';

/** Data class of incidents on the byDataClassCreated index. */
export const INCIDENT_CLASS = 'incident';

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
    ...byClass(incident.desk, INCIDENT_CLASS, `${incident.createdAt}#${incident.id}`),
    // Sparse: present only while a review threshold lies ahead, so the sweep reads only those.
    ...(threshold
      ? { gsi1pk: keys.incidentReviewDue(incident.desk), gsi1sk: `${threshold.at}#${incident.id}` }
      : {}),
  };
}

const toIncident = (item: Record<string, unknown>) => withoutKeys(item) as unknown as Incident;

export function dynamoIncidentStore(doc: DynamoDBDocumentClient, tableName: string): IncidentStore {
  return {
    async get(desk, id) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: keys.incident(desk, id), ConsistentRead: true }),
      );
      return Item ? toIncident(Item) : undefined;
    },

    putNew: (incident) => claimOnce(doc, tableName, toItem(incident)),

    async replace(incident, expectedVersion) {
      if (!(await putAtVersion(doc, tableName, toItem(incident), expectedVersion)))
        throw new IncidentVersionConflict(incident.id);
    },

    list: async (desk, limit) =>
      (await newestOfClass(doc, tableName, desk, INCIDENT_CLASS, limit)).map(toIncident),

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
