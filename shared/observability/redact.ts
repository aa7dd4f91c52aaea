/**
 * PII redaction for logs, in one place. Fields whose names say they hold personal data or
 * secrets are replaced whole; email addresses and phone-like numbers inside any other string are
 * masked. Ids (ticket, desk, execution) stay readable: they are how ops correlate.
 */
const SENSITIVE_KEY =
  /(^|[_-])(email|e-mail|firstname|lastname|body|description|subject|text|html|phone|address|requester|token|tasktoken|authorization|cookie|password|secret|signature|sig|raw)$/i;
/**
 * `name` alone, or a name of a person (`requesterName`, `display-name`): a person's name. Other
 * `…Name` keys name things ops correlate by (`executionName`, `queueName`, `functionName`).
 */
const PERSON_NAME_KEY =
  /^((requester|customer|user|first|last|full|display|given|family|middle|contact|sender|recipient|author|agent|assignee|staff|person|account-holder|holder)[_-]?)?name$/i;
const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
/**
 * A phone number stands on its own: not glued to letters, digits or id punctuation on either side
 * (so the digit runs inside a ULID, an execution name or an ARN's account id stay readable), and at
 * most 15 digits (E.164).
 */
const PHONE = /(?<![\w:/#.@-])\+?\d[\d ().-]{8,}\d(?![\w:/#@-])/g;
const MAX_PHONE_DIGITS = 15;
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]+/g;

export const REDACTED = '[redacted]';

/** Timestamps and dates look like digit runs too; they are not personal data and ops need them. */
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;

export function redactString(text: string): string {
  return text
    .replace(JWT, '[jwt]')
    .replace(EMAIL, '[email]')
    .replace(PHONE, (match) =>
      DATE_LIKE.test(match) || match.replace(/\D/g, '').length > MAX_PHONE_DIGITS ? match : '[phone]',
    );
}

/** An error's `name` is its class (`ConditionalCheckFailedException`), which ops need; not a person's. */
const ERROR_KEY = /(^|[_-])(error|err|cause)$/i;

export function redact(value: unknown, depth = 0, parentKey = ''): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, parentKey));
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  if (value && typeof value === 'object') {
    const inError = ERROR_KEY.test(parentKey);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const dashed = key.replace(/([a-z])([A-Z])/g, '$1-$2');
      const personName = PERSON_NAME_KEY.test(dashed) && !(inError && key === 'name');
      out[key] =
        (SENSITIVE_KEY.test(dashed) || personName) && v !== undefined && v !== null
          ? REDACTED
          : redact(v, depth + 1, key);
    }
    return out;
  }
  return value;
}
