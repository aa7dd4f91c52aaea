import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHandlerModule } from '#local/handler-modules.ts';

const dir = mkdtempSync(join(tmpdir(), 'tierdesk-handler-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local handler modules', () => {
  it('imports a handler once, as a warm Lambda keeps its init (no loader round trip per invocation)', async () => {
    const file = join(dir, 'warm.mjs');
    writeFileSync(file, 'export const handler = async () => "ok";\n');
    const first = loadHandlerModule<{ handler: () => Promise<string> }>(file);
    expect(loadHandlerModule(file)).toBe(first);
    expect(await (await first).handler()).toBe('ok');
  });

  it('tries a failed import again on the next invocation, as Lambda retries a failed init', async () => {
    const file = join(dir, 'later.mjs');
    await expect(loadHandlerModule(file)).rejects.toThrow();
    writeFileSync(file, 'export const handler = async () => "later";\n');
    const module = await loadHandlerModule<{ handler: () => Promise<string> }>(file);
    expect(await module.handler()).toBe('later');
  });
});
