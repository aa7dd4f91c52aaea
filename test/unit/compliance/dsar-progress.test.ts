import { describe, expect, it } from 'vitest';
import type { Dsar } from '#shared/compliance/dsar.ts';
import {
  beginDsarBatch,
  commitDsarBatch,
  finishDsarJob,
  markBatchTicketDone,
  progressView,
  startDsarJob,
} from '#shared/compliance/dsar-progress.ts';

const at = new Date('2031-03-01T10:00:00.000Z');
const lead = { id: 'lead-1', role: 'lead' as const };
const base = { id: 'D1', desk: 'techflow', version: 1, history: [], notices: [] } as unknown as Dsar;

describe('DSAR job progress', () => {
  it('moves page by page; a page is taken once and committed once', () => {
    let d = startDsarJob(base, 'export', lead, 3, at);
    expect(startDsarJob(d, 'export', lead, 9, at)).toBe(d); // a repeated start resumes
    const page = { ticketIds: ['T1', 'T2'], nextCursor: 'c1', done: [] };
    d = beginDsarBatch(d, null, page, at);
    expect(beginDsarBatch(d, null, { ...page, ticketIds: ['T9'] }, at)).toBe(d); // already taken
    d = commitDsarBatch(d, page, at);
    expect(commitDsarBatch(d, page, at)).toBe(d); // a repeated commit changes nothing
    expect(d.progress).toMatchObject({ processed: 2, batches: 1, cursor: 'c1', ticketsDone: false });
    const last = { ticketIds: ['T3'], nextCursor: null, done: [] };
    d = commitDsarBatch(beginDsarBatch(d, 'c1', last, at), last, at);
    expect(d.progress).toMatchObject({ processed: 3, ticketsDone: true });
    d = finishDsarJob(d, at);
    expect(d.progress?.cursor).toBeNull(); // the cursor names the requester: it goes
    expect(progressView(d.progress!)).toEqual({
      kind: 'export',
      status: 'finished',
      processed: 3,
      total: 3,
      startedAt: at.toISOString(),
      finishedAt: at.toISOString(),
    });
  });

  it('applies a ticket of a page once, however often the page is redone', () => {
    let d = startDsarJob(base, 'erasure', lead, 1, at);
    d = beginDsarBatch(d, null, { ticketIds: ['T1'], nextCursor: null, done: [] }, at);
    let applied = 0;
    const count = (x: Dsar) => {
      applied++;
      return x;
    };
    d = markBatchTicketDone(d, 'T1', count);
    d = markBatchTicketDone(d, 'T1', count);
    expect(applied).toBe(1);
    expect(d.progress?.batch?.done).toEqual(['T1']);
  });
});
