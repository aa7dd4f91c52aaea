import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Role } from '#shared/auth/principal.ts';
import { isKnownDesk, PACK_IDS } from '#shared/policy/packs.ts';
import { Slug } from '#shared/tickets/model.ts';
import { localIdentity } from './identity.ts';

/**
 * `npm run token -- --role agent --desk techflow [--sub id] [--email a@b.c] [--name N] [--plan p] [--tier n]`
 * prints a bearer token for the local stack on its last line.
 */
const usage =
  'usage: npm run token -- --role <customer|agent|lead|manager|ops|app> --desk <desk> [--sub id] [--email e] [--name n] [--plan p] [--tier 1-4]';
const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    desk: { type: 'string' },
    sub: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    plan: { type: 'string' },
    tier: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const role = Role.safeParse(values.role);
const desk = Slug.safeParse(values.desk);
if (!role.success || !desk.success) {
  console.error(usage);
  process.exit(2);
}
if (!isKnownDesk(desk.data)) {
  console.error(`Unknown desk "${desk.data}": a desk needs a policy pack. Desks: ${PACK_IDS.join(', ')}.`);
  process.exit(2);
}
const identity = await localIdentity(resolve(values['data-dir'] ?? process.env.DATA_DIR ?? '.data'));
const token = await identity.issueToken({
  role: role.data,
  desk: desk.data,
  sub: values.sub,
  email: values.email?.toLowerCase(),
  name: values.name,
  plan: values.plan,
  tier: values.tier ? Number(values.tier) : undefined,
});
console.log(`# ${role.data} on desk ${desk.data}; valid 12 hours`);
console.log(token);
