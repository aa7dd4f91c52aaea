/**
 * The few values tierdesk reads from AWS's XML responses (an error's `Code` and `Message`, SES's
 * `MessageId`): the text of the first element of a name, entities decoded. Not a general XML parser:
 * these documents are flat, namespaced only on their root, and carry no CDATA.
 */

import type { HttpResponse } from './http-client.ts';
import { type AwsServiceError, serviceError } from './service-error.ts';

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, entity: string) => {
    if (entity[0] !== '#') return NAMED[entity.toLowerCase()] ?? whole;
    const code =
      entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
    return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
  });
}

/** The text of the first `<name>` element (`<name/>` is ''), or undefined when there is none. */
export function xmlText(xml: string, name: string): string | undefined {
  const found = new RegExp(`<${name}(?:\\s[^>]*)?(?:/>|>([^<]*)</${name}>)`).exec(xml);
  return found ? decodeEntities(found[1] ?? '') : undefined;
}

/**
 * An error of the XML protocols (S3's REST-XML, SES's query) as the SDK names it: the body's `<Code>`
 * and `<Message>`; without a code (S3's every HEAD has no body) a 404 is `NotFound` and anything else
 * `Unknown`, with the message `UnknownError`.
 */
export function xmlError(response: HttpResponse): AwsServiceError {
  const xml = response.body.toString('utf8');
  const code = xmlText(xml, 'Code') ?? (response.status === 404 ? 'NotFound' : 'Unknown');
  const message = xmlText(xml, 'Message') ?? 'UnknownError';
  return serviceError(response.status, code, { message }, response.metadata);
}
