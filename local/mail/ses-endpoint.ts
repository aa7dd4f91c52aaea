import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { deskForDomain } from '#shared/mail/addresses.ts';
import { sesMessageIdHeader } from '#shared/notices/sender.ts';
import type { Clock } from '#shared/time/clock.ts';
import { passedGate } from '../startup-gate.ts';
import { readJsonLines } from '../stepfunctions/journal.ts';

/**
 * A small SES-compatible endpoint (query protocol, `Action=SendRawEmail`, form-encoded POST, XML
 * response) so the handlers' SES client (shared/runtime/aws/ses.ts) and the SDK's @aws-sdk/client-ses send
 * locally (the stack's runtime points the client here).
 * Like SES it accepts only verified identities as the source (here: the desks' domains), at most
 * 50 recipients and 10 MB, replaces the Message-ID and Date headers with its own, and answers the
 * mailbox simulator (bounce@ / complaint@simulator.amazonses.com) with feedback notifications.
 * What it would have delivered lands in an outbox on disk, read by `GET /_local/outbox`.
 */
export interface OutboxMail {
  /** SES's MessageId (also in the Message-ID header it set). */
  messageId: string;
  sentAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | undefined;
  headers: Record<string, string>;
  raw: string;
}

export interface SesEndpointOptions {
  dir: string;
  port: number;
  clock: Clock;
  region: string;
  /** Requests wait for the stack's start-up (feedback runs a handler that needs its environment). */
  ready: Promise<void>;
  /** Called with an SES feedback notification (Bounce/Complaint) for mailbox-simulator recipients. */
  onFeedback?: (notification: Record<string, unknown>) => Promise<void>;
  /** Decoded outbox mails kept in memory, least recently read dropped first (default 5,000). */
  keepDecoded?: number;
}

/** What the endpoint writes per sent mail: the final raw message, its envelope and its headers. */
type SentRecord = Omit<OutboxMail, 'subject' | 'text' | 'html'>;

/** Enough of mailparser to read the envelope's headers (From, To, Cc, Bcc). */
const HEADERS_ONLY = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true } as const;

/**
 * The outbox entry of a sent mail, its subject and body decoded from the raw message (files of
 * earlier versions carry them already). The same parse, with the same options, the send once made.
 */
async function withBody(record: SentRecord | OutboxMail): Promise<OutboxMail> {
  if ('text' in record) return record;
  const parsed = await simpleParser(record.raw);
  const { messageId, sentAt, from, to, headers, raw } = record;
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  return {
    messageId,
    sentAt,
    from,
    to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html,
    headers,
    raw,
  };
}

const MAX_RAW_BYTES = 10 * 1024 * 1024;
const MAX_RECIPIENTS = 50;
const NS = 'http://ses.amazonaws.com/doc/2010-12-01/';

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function errorXml(type: 'Sender' | 'Receiver', code: string, message: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

/** Replaces (or adds) a header in the header block of raw MIME, as SES does for Message-ID and Date. */
function setHeader(raw: string, name: string, value: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const rest = end < 0 ? '' : raw.slice(end);
  const re = new RegExp(`^${name}:.*(?:\\r?\\n[ \\t].*)*$`, 'im');
  return re.test(head) ? head.replace(re, `${name}: ${value}`) + rest : `${name}: ${value}\r\n${head}${rest}`;
}

/** The header block's fields, unfolded, by lower-case name; the first of a repeated field wins. */
export function headersOf(raw: string): Record<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of (end < 0 ? raw : raw.slice(0, end)).split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!(key in headers))
      headers[key] = line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
  }
  return headers;
}

export async function startSesEndpoint(options: SesEndpointOptions) {
  const outboxDir = options.dir;
  await mkdir(outboxDir, { recursive: true });
  // The outbox is one append-only file of JSON lines: creating a file per mail cost ~20 times an append.
  // A line torn by a crash is cut before the first append (readJsonLines).
  const sentFile = join(outboxDir, 'sent.jsonl');
  readJsonLines(sentFile);
  const sentLog = await open(sentFile, 'a');
  // Sends a test holds in flight until it releases them (a send that spans a clock move).
  const holds: Array<{ entered: () => void; released: Promise<void> }> = [];
  // Each mail decoded once (tests read the outbox over and over while they wait for a mail), the most
  // recently read `keepDecoded` kept: a long `npm start` would otherwise hold every mail it ever sent.
  const keepDecoded = options.keepDecoded ?? 5_000;
  const decoded = new Map<string, Promise<OutboxMail>>();
  const decode = (record: SentRecord | OutboxMail) => {
    let mail = decoded.get(record.messageId);
    if (mail) decoded.delete(record.messageId);
    else mail = withBody(record);
    decoded.set(record.messageId, mail);
    if (decoded.size > keepDecoded) decoded.delete(decoded.keys().next().value as string);
    return mail;
  };

  async function sendRawEmail(params: URLSearchParams): Promise<[number, string]> {
    const hold = holds.shift();
    if (hold) {
      hold.entered();
      await hold.released;
    }
    const data = params.get('RawMessage.Data');
    if (!data) return [400, errorXml('Sender', 'InvalidParameterValue', 'RawMessage.Data is required')];
    let raw = Buffer.from(data, 'base64').toString('utf8');
    if (raw.length > MAX_RAW_BYTES)
      return [400, errorXml('Sender', 'MessageRejected', 'Message length is more than 10485760 bytes long.')];
    // The MIME is parsed only for what the request leaves out (no Source, no Destinations), as SES
    // reads From and the recipient headers then; the outbox decodes the body when it is read.
    const destinations: string[] = [];
    for (let i = 1; params.has(`Destinations.member.${i}`); i++)
      destinations.push(params.get(`Destinations.member.${i}`)!);
    const parsed =
      params.has('Source') && destinations.length ? undefined : await simpleParser(raw, HEADERS_ONLY);
    const source = (params.get('Source') ?? parsed?.from?.value[0]?.address ?? '').replace(
      /^.*<([^>]+)>.*$/,
      '$1',
    );
    if (!deskForDomain(source)) {
      return [
        400,
        errorXml(
          'Sender',
          'MessageRejected',
          `Email address is not verified. The following identities failed the check: ${source}`,
        ),
      ];
    }
    const to = destinations.length
      ? destinations
      : [parsed?.to, parsed?.cc, parsed?.bcc]
          .flatMap((a) => (a ? (Array.isArray(a) ? a : [a]) : []))
          .flatMap((a) => a.value.map((v) => v.address ?? ''));
    if (to.length === 0)
      return [400, errorXml('Sender', 'InvalidParameterValue', 'Missing final destination')];
    if (to.length > MAX_RECIPIENTS)
      return [400, errorXml('Sender', 'InvalidParameterValue', 'Recipient count exceeds 50.')];
    if (!/^subject:/im.test(raw.slice(0, raw.search(/\r?\n\r?\n/)))) {
      return [400, errorXml('Sender', 'InvalidParameterValue', "Missing required header 'Subject'.")];
    }

    const now = options.clock.now();
    const messageId = `${now.getTime().toString(16).padStart(16, '0')}-${randomUUID()}-000000`;
    raw = setHeader(raw, 'Message-ID', sesMessageIdHeader(messageId, options.region));
    raw = setHeader(raw, 'Date', now.toUTCString().replace('GMT', '+0000'));
    const mail: SentRecord = {
      messageId,
      sentAt: now.toISOString(),
      from: source,
      to,
      headers: headersOf(raw),
      raw,
    };
    // One write of one line (O_APPEND): concurrent sends never interleave.
    await sentLog.write(`${JSON.stringify(mail)}\n`);
    for (const recipient of to) {
      const kind = /^(bounce|complaint)(\+[^@]*)?@simulator\.amazonses\.com$/i
        .exec(recipient)?.[1]
        ?.toLowerCase();
      if (kind && options.onFeedback) {
        await options.onFeedback(
          simulatorFeedback(kind as 'bounce' | 'complaint', recipient, source, messageId, now),
        );
      }
    }
    return [
      200,
      `<?xml version="1.0" encoding="UTF-8"?>\n<SendRawEmailResponse xmlns="${NS}"><SendRawEmailResult><MessageId>${messageId}</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></SendRawEmailResponse>`,
    ];
  }

  const server: Server = createServer(async (req, res) => {
    if (!(await passedGate(options.ready, res))) return;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const action = params.get('Action');
      const [status, body] =
        req.method !== 'POST'
          ? [405, errorXml('Sender', 'InvalidAction', 'Use POST with a form-encoded body.')]
          : action === 'SendRawEmail'
            ? await sendRawEmail(params)
            : [
                400,
                errorXml(
                  'Sender',
                  'InvalidAction',
                  `The local SES endpoint implements SendRawEmail only, not ${action}.`,
                ),
              ];
      res
        .writeHead(status as number, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() })
        .end(body);
    } catch (error) {
      res
        .writeHead(500, { 'content-type': 'text/xml' })
        .end(errorXml('Receiver', 'InternalFailure', String(error)));
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    /** Test hook: the next SendRawEmail waits, in flight, until `release()`; `entered` says it arrived. */
    holdNextSend() {
      let entered!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((ok) => {
        entered = ok;
      });
      const released = new Promise<void>((ok) => {
        release = ok;
      });
      holds.push({ entered, released });
      return { entered: arrived, release };
    },
    /** What SES would have sent, oldest first. */
    async outbox(): Promise<OutboxMail[]> {
      // Data directories of earlier versions hold a file per mail: they are listed too.
      const files = (await readdir(outboxDir)).filter((f) => f.endsWith('.json')).sort();
      const earlier = await Promise.all(
        files.map(async (f) => JSON.parse(await readFile(join(outboxDir, f), 'utf8')) as OutboxMail),
      );
      // A last line without its newline is a send still being written: it is left for the next read.
      const lines = (await readFile(sentFile, 'utf8')).split('\n').slice(0, -1);
      const sent = lines.map((line) => JSON.parse(line) as SentRecord);
      // Two sends' appends may land in either order (the thread pool): sorted by send time, ties as written.
      const bySentAt = [...earlier, ...sent].sort((a, b) => a.sentAt.localeCompare(b.sentAt));
      return Promise.all(bySentAt.map(decode));
    },
    close: async () => {
      await new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      });
      await sentLog.close();
    },
  };
}

/** The notification SES publishes for a mailbox-simulator recipient (identity notification format). */
function simulatorFeedback(
  kind: 'bounce' | 'complaint',
  recipient: string,
  source: string,
  messageId: string,
  now: Date,
) {
  const mail = { timestamp: now.toISOString(), source, messageId, destination: [recipient] };
  const timestamp = new Date(now.getTime() + 1000).toISOString();
  return kind === 'bounce'
    ? {
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [
            {
              emailAddress: recipient,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
          timestamp,
          feedbackId: `${messageId}-bounce`,
        },
        mail,
      }
    : {
        notificationType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: recipient }],
          complaintFeedbackType: 'abuse',
          timestamp,
          feedbackId: `${messageId}-complaint`,
        },
        mail,
      };
}
