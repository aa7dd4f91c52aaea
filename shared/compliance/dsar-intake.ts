/**
 * The hook the email intake calls (shared/mail/ is another module): does this inbound email ask
 * for the sender's data, or for its erasure? If so, open a DSAR for the sender, once per
 * Message-ID, and tell the intake what happened so it can answer instead of (or as well as) opening
 * a ticket.
 *
 * Recognition is deliberately plain (words people actually write, in English, French, German and
 * Spanish); an email it misses still reaches staff as a ticket, who can file the request with
 * `POST /dsar` and the email's arrival time as `receivedAt`.
 */
import type { DsarKind } from './dsar.ts';
import type { DsarService } from './dsar-service.ts';

const ERASURE = [
  /\bright to (be forgotten|erasure)\b/,
  /\b(erase|delete|remove) (all )?(of )?my (personal )?(data|information|account data)\b/,
  /\barticle 17\b|\bart\.? ?17\b/,
  /\bdroit (a|à) l['’]oubli\b|\beffacement de mes donn[ée]es\b/,
  /\bl[öo]schung meiner daten\b|\brecht auf vergessenwerden\b/,
  /\bderecho al olvido\b|\bsupresi[óo]n de mis datos\b/,
];
const ACCESS = [
  /\b(data )?subject access request\b|\bdsar\b|\bsar request\b/,
  /\bright of access\b|\barticle 15\b|\bart\.? ?15\b/,
  /\b(copy|export) of (all )?(the )?(my )?(personal )?(data|information) (you|that you) (hold|have|store|keep)\b/,
  /\bwhat (personal )?data (do )?you (hold|have|store|keep) (on|about) me\b/,
  /\bdemande d['’]acc[eè]s\b|\bdroit d['’]acc[eè]s\b/,
  /\bauskunftsersuchen\b|\bauskunft nach art/,
  /\bderecho de acceso\b/,
];

/** The kind of data subject request an email makes, if it makes one (erasure wins over access). */
export function recognizeDsarEmail(mail: {
  subject?: string | undefined;
  text?: string | undefined;
}): DsarKind | undefined {
  const haystack = `${mail.subject ?? ''}\n${(mail.text ?? '').slice(0, 20_000)}`
    .toLowerCase()
    .replace(/\s+/g, ' ');
  if (ERASURE.some((re) => re.test(haystack))) return 'erasure';
  if (ACCESS.some((re) => re.test(haystack))) return 'access';
  return undefined;
}

export interface InboundDsarEmail {
  desk: string;
  from: { email: string; name?: string | undefined };
  subject?: string | undefined;
  text?: string | undefined;
  /** The email's Message-ID: a redelivered email finds the request it opened. */
  messageId: string;
  receivedAt: Date;
}

/**
 * Opens a DSAR when the email asks for one. The requester's identity is not taken from the From
 * header: a one-time code goes to that address and nothing is released before it comes back.
 */
export async function openDsarFromEmail(
  dsars: Pick<DsarService, 'openFromEmail'>,
  mail: InboundDsarEmail,
): Promise<
  | { recognized: false }
  | { recognized: true; kind: DsarKind; dsarId: string; created: boolean; dueAt: string }
> {
  const kind = recognizeDsarEmail(mail);
  if (!kind) return { recognized: false };
  const opened = await dsars.openFromEmail({
    desk: mail.desk,
    kind,
    from: mail.from,
    messageId: mail.messageId,
    receivedAt: mail.receivedAt,
  });
  return { recognized: true, kind, ...opened };
}
