import { AddAttachmentBody } from '#shared/compliance/attachment-service.ts';
import { apiRoute, json } from '#shared/http/api-handler.ts';
import { PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { apiTokenVerifier } from '#shared/runtime/api-deps.ts';
import { ticketAttachmentService } from '#shared/runtime/compliance-deps.ts';

/** POST /tickets/{id}/attachments — files a document, log extract or recording on a ticket under a data class (its retention). */
export const handler = apiRoute(apiTokenVerifier, async ({ event, principal }) => {
  const attachment = await ticketAttachmentService().add(
    principal,
    pathParameter(event, 'id', PathParameter.ulid),
    parseJsonBody(event, AddAttachmentBody),
  );
  const { objectKey: _key, ...visible } = attachment;
  return json(201, visible);
});
