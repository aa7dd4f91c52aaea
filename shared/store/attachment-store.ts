import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AttachmentClass } from '../compliance/data-classes.ts';
import { complianceKeys, complianceObjectKeys } from './compliance-keys.ts';
import type { ObjectStore } from './objects.ts';
import { keys } from './table-keys.ts';

/**
 * A file filed on a ticket under a data class (a diagnostic log extract, a call recording, a
 * document), kept in the ticket's partition so it goes wherever the ticket goes, indexed by its class
 * so the retention purge finds it when its own period ends.
 */
export interface TicketAttachment {
  id: string;
  desk: string;
  ticketId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  dataClass: AttachmentClass;
  objectKey: string;
  uploadedBy: { id: string; role: string };
  createdAt: string;
}

export interface AttachmentStore {
  /** Stores the bytes first, then the item that makes them visible (an orphan object is harmless). */
  put(attachment: Omit<TicketAttachment, 'objectKey'>, content: Buffer): Promise<TicketAttachment>;
  list(desk: string, ticketId: string): Promise<TicketAttachment[]>;
  content(attachment: TicketAttachment): Promise<Buffer | undefined>;
}

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
            gsi3pk: keys.dataClass(attachment.desk, attachment.dataClass),
            gsi3sk: `${attachment.createdAt}#${attachment.id}`,
          },
        }),
      );
      return attachment;
    },

    async list(desk, ticketId) {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.ticketPartition(desk, ticketId),
            ':prefix': 'ATTACHMENT#',
          },
          ConsistentRead: true,
        }),
      );
      return (page.Items ?? []).map((item) => {
        const { pk: _pk, sk: _sk, kind: _kind, gsi3pk: _g, gsi3sk: _s, ...attachment } = item;
        return attachment as TicketAttachment;
      });
    },

    content(attachment) {
      return objects.get(attachment.objectKey);
    },
  };
}
