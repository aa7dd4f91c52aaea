/**
 * Writes `shared/policies/schema.json`, the JSON Schema of a policy pack, so pack authors get
 * completion and validation in their editor (`"$schema": "./schema.json"`). Run: `npm run schema`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from '#shared/validation/zod.ts';
import { PolicyPack } from './schema.ts';

export function policyPackJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicyPack, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://tierdesk.dev/schemas/policy-pack.json',
    title: 'tierdesk policy pack',
    description:
      'A support policy as data: calendars, SLA targets, warnings, pauses, escalation ladder, notices, intake, retention, DSAR, billing appeals. See docs/policy-packs.md.',
  };
}

const target = fileURLToPath(new URL('../policies/schema.json', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(target, `${JSON.stringify(policyPackJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${target}`);
}
