import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildApiOptions } from '#infra/constructs/lambda-bundling.ts';
import { CreateTicketBody } from '#shared/tickets/commands.ts';
import { Status } from '#shared/tickets/model.ts';
import { enumWithout } from '#shared/validation/enum-without.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const LOCALE_MODULE = join('shared', 'validation', 'zod.ts');

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every `zod…` module a file imports (static, dynamic or re-export). */
const zodImportsOf = (file: string) =>
  [
    ...readFileSync(join(root, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](zod(?:\/[^'"]*)?)['"]/g),
  ].map((m) => m[1]);

describe('zod in Lambda code', () => {
  it('shared/ and functions/ reach zod only through the zod/mini module that installs the English messages', () => {
    const found = [...tsFiles('shared'), ...tsFiles('functions')].flatMap((file) =>
      zodImportsOf(file)
        .filter((spec) => file !== LOCALE_MODULE || (spec !== 'zod/mini' && spec !== 'zod/v4/locales/en.js'))
        .map((spec) => `${file}: ${spec}`),
    );
    expect(found).toEqual([]);
  });

  it('a route bundle carries zod/mini and keeps the locale set-up, not classic zod', async () => {
    const result = await build({
      ...esbuildApiOptions(),
      entryPoints: [`${root}functions/tickets/create-ticket.ts`],
      outfile: '/dev/null/index.mjs',
      write: false,
      sourcemap: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
    expect(inputs.filter((path) => path.startsWith('node_modules/zod/v4/classic/'))).toEqual([]);
    expect(inputs).toContain('node_modules/zod/v4/mini/schemas.js');
    // package.json lists the module under sideEffects; without that esbuild drops its `config(en())`.
    expect(inputs).toContain(LOCALE_MODULE);
  }, 30_000);

  it('messages are the English ones clients have always seen', () => {
    const parsed = CreateTicketBody.safeParse({ subject: ' ', description: 7 });
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['subject', 'Too small: expected string to have >=1 characters'],
      ['description', 'Invalid input: expected string, received number'],
    ]);
  });

  it('an enum without some values refuses them, naming the ones left (as classic `.exclude` did)', () => {
    const Open = enumWithout(Status, ['solved', 'closed']);
    expect(Open.options).toEqual(['new', 'open', 'pending', 'on-hold']);
    expect(Open.safeParse('solved').error?.issues[0]?.message).toBe(
      'Invalid option: expected one of "new"|"open"|"pending"|"on-hold"',
    );
  });
});
