import type { AttachmentStore, TicketAttachment } from '../compliance/ports.ts';
import { complianceObjectKeys } from '../objects/keys.ts';
import type { ObjectStore } from '../objects/ports.ts';
import { type DynamoDBDocumentClient, PutCommand } from '../runtime/aws/dynamodb.ts';
import { complianceKeys } from './compliance-keys.ts';
import { queryAll } from './query-all.ts';
import { byClass, keys, withoutKeys } from './table-keys.ts';

export function dynamoAttachmentStore(
  doc: DynamoDBDocumentClient,
  tableName: string,
  objects: ObjectStore,
): AttachmentStore {
  return {
    async put(input, content) {
      const attachment: TicketAttachment = {
        ...input,
        objectKey: complianceObjectKeys.attachment(input.desk, input.ticketId, input.id),
      };
      await objects.put(attachment.objectKey, content, attachment.contentType);
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...complianceKeys.attachment(attachment.desk, attachment.ticketId, attachment.id),
            kind: 'attachment',
            ...attachment,
            ...byClass(attachment.desk, attachment.dataClass, `${attachment.createdAt}#${attachment.id}`),
          },
        }),
      );
      return attachment;
    },

    async list(desk, ticketId) {
      // Every page: a ticket's attachments are not bounded by one query's 1 MB.
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.ticketPartition(desk, ticketId), ':prefix': 'ATTACHMENT#' },
        ConsistentRead: true,
      });
      return items.map((item) => withoutKeys(item) as unknown as TicketAttachment);
    },

    content(attachment) {
      return objects.get(attachment.objectKey);
    },
  };
}
