import { afterEach, describe, expect, it, vi } from 'vitest';

// The console is plain JS without type declarations: imported through a path in a variable.
const apiModule = '../../../console/api.js';
const { apiPages } = await import(apiModule);

/** A queue served in pages by a stand-in fetch; each page names the next with `next`. */
function servePages(pages: Array<Record<string, unknown>>) {
  const asked: string[] = [];
  vi.stubGlobal('sessionStorage', { getItem: () => 'token' });
  vi.stubGlobal('fetch', async (url: string) => {
    asked.push(url);
    const cursor = new URL(url, 'http://console').searchParams.get('cursor');
    const page = pages[cursor ? Number(cursor) : 0]!;
    return new Response(JSON.stringify(page), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });
  return asked;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the console’s paged reads', () => {
  it('reads one page when the API names no next cursor (today’s queue)', async () => {
    const asked = servePages([{ desk: 'techflow', items: [{ id: 'a' }], total: 1 }]);
    const body = await apiPages('/queue?limit=500');
    expect(body).toEqual({ desk: 'techflow', items: [{ id: 'a' }], total: 1, next: null });
    expect(asked).toEqual(['/queue?limit=500']);
  });

  it('follows `next` as `cursor=`, keeps fields it does not know, and stops at its page cap', async () => {
    const asked = servePages([
      { desk: 'techflow', items: [{ id: 'a' }], next: '1', addedLater: { x: 1 } },
      { items: [{ id: 'b' }], next: '2' },
      { items: [{ id: 'c' }], next: '3' },
      { items: [{ id: 'd' }] },
    ]);
    const body = await apiPages('/queue?limit=500', { maxPages: 3 });
    expect(body.items.map((i: { id: string }) => i.id)).toEqual(['a', 'b', 'c']);
    expect(body.addedLater).toEqual({ x: 1 });
    expect(body.next).toBe('3');
    expect(asked).toEqual(['/queue?limit=500', '/queue?limit=500&cursor=1', '/queue?limit=500&cursor=2']);
  });
});
