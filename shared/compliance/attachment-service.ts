/**
 * Files filed on a ticket under a data class: a customer's diagnostic log extract ("upload a
 * sanitized log extract … to the ticket", RCH SpyFocus), a call recording, a document. The class
 * decides how long the file is kept (the desk's retention rules), independently of its ticket.
 */
import { createHash } from 'node:crypto';
import * as z from '#shared/validation/zod.ts';
import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { PolicyPack } from '../policy/schema.ts';
import { newId } from '../runtime/ids.ts';
import { assertCanSeeTicket } from '../tickets/access.ts';
import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { ATTACHMENT_CLASSES, type AttachmentClass } from './data-classes.ts';
import type { AttachmentStore } from './ports.ts';

/** Largest file accepted through the API (the JSON body, base64 included, stays under 256 KiB). */
export const MAX_ATTACHMENT_BYTES = 180 * 1024;

export const AddAttachmentBody = z.strictObject({
  filename: z.string().check(
    z.trim(),
    z.minLength(1),
    z.maxLength(200),
    z.refine((name) => ![...name].some((c) => c === '/' || c === '\\' || c.charCodeAt(0) < 0x20), {
      message: 'a file name without slashes or control characters',
    }),
  ),
  contentType: z.string().check(z.regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i, 'a media type such as text/plain')),
  dataClass: z._default(z.enum(ATTACHMENT_CLASSES), 'attachments'),
  contentBase64: z.base64().check(z.minLength(1)),
});

/** Classes only staff may file under (the longer compliance period, recordings they made). */
const STAFF_ONLY: ReadonlySet<AttachmentClass> = new Set(['diagnostic-logs-compliance', 'call-recordings']);

export function attachmentService(deps: {
  tickets: TicketReader;
  attachments: AttachmentStore;
  clock: Clock;
  packFor(desk: string): PolicyPack | undefined;
}) {
  return {
    async add(principal: Principal, ticketId: string, body: z.infer<typeof AddAttachmentBody>) {
      const stored = await deps.tickets.getTicket(principal.desk, ticketId);
      const ticket = assertCanSeeTicket(principal, stored?.ticket, ticketId);
      if (ticket.status === 'closed') throw DomainError.conflict('ticket-closed', 'This ticket is closed.');
      if (STAFF_ONLY.has(body.dataClass) && !isStaff(principal)) {
        throw DomainError.validation([
          { pointer: '/dataClass', detail: 'only support staff file under this class' },
        ]);
      }
      const pack = deps.packFor(principal.desk);
      const known = new Set(['attachments', ...(pack?.retention?.classes.map((c) => c.dataClass) ?? [])]);
      if (!known.has(body.dataClass)) {
        throw DomainError.validation([
          {
            pointer: '/dataClass',
            detail: `not a data class of this desk (${[...known].filter((c) => (ATTACHMENT_CLASSES as readonly string[]).includes(c)).join(', ')})`,
          },
        ]);
      }
      const content = Buffer.from(body.contentBase64, 'base64');
      if (content.length > MAX_ATTACHMENT_BYTES) {
        throw DomainError.validation([
          { pointer: '/contentBase64', detail: `at most ${MAX_ATTACHMENT_BYTES} bytes` },
        ]);
      }
      const now = deps.clock.now();
      return deps.attachments.put(
        {
          id: newId(now),
          desk: principal.desk,
          ticketId,
          filename: body.filename,
          contentType: body.contentType,
          size: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
          dataClass: body.dataClass,
          uploadedBy: { id: principal.id, role: principal.role },
          createdAt: now.toISOString(),
        },
        content,
      );
    },
  };
}

export type AttachmentService = ReturnType<typeof attachmentService>;
