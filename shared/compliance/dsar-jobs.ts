/**
 * DSAR export and erasure, one bounded batch at a time. A batch reads one page of the requester's
 * tickets (the requester index), writes it ahead on the request, works through it and commits the
 * counts with the next cursor; the request's deadline schedule (and the compliance sweep) runs the next
 * batch. The last step handles what is not per ticket: appeals and other requests, and for an export
 * the bundle, built from the part objects each batch wrote.
 */
import { complianceObjectKeys } from '../objects/keys.ts';
import type { ObjectStore } from '../objects/ports.ts';
import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import type { BillingAppeal } from './billing-appeal.ts';
import {
  type Dsar,
  erasedPlaceholder,
  finishDsarErasure,
  recordDsarExport,
  startDsarErasure,
} from './dsar.ts';
import {
  beginDsarBatch,
  commitDsarBatch,
  DSAR_BATCH_TICKETS,
  type DsarBatch,
  type DsarJobKind,
  finishDsarJob,
  isJobRunning,
  markBatchTicketDone,
  startDsarJob,
} from './dsar-progress.ts';
import { eraseAppeal, eraseOtherRequest } from './erasure.ts';
import { buildExportBundle, type ExportBundle, type TicketExport } from './export-bundle.ts';
import { holdIdFor, isActive, type LegalHold } from './legal-hold.ts';
import type { ComplianceStore, RetentionStore } from './ports.ts';
import type { recordRepository } from './record-repository.ts';
import type { Actor, RecordBase } from './records.ts';
import { eraseRequesterTicket, exportRequesterTicket } from './requester-data.ts';

type Repo<T extends RecordBase> = Pick<ReturnType<typeof recordRepository<T>>, 'get' | 'update'>;

interface BuiltBundle {
  objectKey: string;
  bytes: number;
  sha256: string;
  createdAt: string;
  counts: ExportBundle['counts'];
}

export interface DsarJobDeps {
  records: ComplianceStore;
  retention: RetentionStore;
  tickets: TicketReader;
  objects: ObjectStore;
  clock: Clock;
}

/** Where batch `n` of an export keeps its tickets until the bundle is built (beside the bundle). */
export function exportPartKey(desk: string, dsarId: string, n: number): string {
  return complianceObjectKeys.exportBundle(desk, dsarId).replace(/bundle\.json$/, `parts/${n}.json`);
}

export function dsarJobs(
  deps: DsarJobDeps,
  repo: Repo<Dsar>,
  appeals: Repo<BillingAppeal>,
  holds: Repo<LegalHold>,
) {
  const now = () => deps.clock.now();

  /** Counts the requester's tickets and starts the job (a running one is resumed as it is). */
  async function start(dsar: Dsar, kind: DsarJobKind, by: Actor): Promise<Dsar> {
    if (isJobRunning(dsar)) return dsar;
    const total = await deps.retention.countRequesterTickets(dsar.desk, dsar.requester.email);
    return repo.update(dsar.desk, dsar.id, (d) => {
      const started = startDsarJob(d, kind, by, total, now());
      return kind === 'erasure' ? startDsarErasure(started, by, now()) : started;
    });
  }

  /** Takes the next page (or the one written ahead by an earlier, interrupted invocation). */
  async function pageOf(dsar: Dsar): Promise<{ dsar: Dsar; batch: DsarBatch | undefined }> {
    const p = dsar.progress!;
    if (p.batch) return { dsar, batch: p.batch };
    const page = await deps.tickets.listTickets({
      desk: dsar.desk,
      requesterEmail: dsar.requester.email,
      limit: DSAR_BATCH_TICKETS,
      cursor: p.cursor ?? undefined,
    });
    const batch: DsarBatch = {
      ticketIds: page.tickets.map((t) => t.id),
      nextCursor: page.nextCursor ?? null,
      done: [],
    };
    const saved = await repo.update(dsar.desk, dsar.id, (d) => beginDsarBatch(d, p.cursor, batch, now()));
    return { dsar: saved, batch: saved.progress?.batch };
  }

  /** Exports the page; a job that is one page builds its bundle at once (no parts to write or delete). */
  async function exportBatch(dsar: Dsar, batch: DsarBatch): Promise<Dsar | undefined> {
    const exports: TicketExport[] = [];
    for (const ticketId of batch.ticketIds) {
      const exported = await exportRequesterTicket(deps, dsar.desk, ticketId);
      if (exported) exports.push(exported);
    }
    const p = dsar.progress!;
    if (p.batches === 0 && batch.nextCursor === null) {
      const built = await storeBundle(dsar, exports);
      return recordExport(dsar.desk, dsar.id, p.by, built);
    }
    // Redoing a page rewrites the same part: nothing is added twice.
    await deps.objects.put(
      exportPartKey(dsar.desk, dsar.id, p.batches),
      JSON.stringify(exports),
      'application/json',
    );
    return undefined;
  }

  async function eraseBatch(dsar: Dsar, batch: DsarBatch) {
    const { desk, id } = dsar;
    const placeholder = erasedPlaceholder(id);
    for (const ticketId of batch.ticketIds) {
      if (batch.done.includes(ticketId)) continue;
      const ticketHold = await holds.get(desk, holdIdFor(desk, { kind: 'ticket', ticketId }));
      if (isActive(ticketHold)) {
        await repo.update(desk, id, (d) =>
          markBatchTicketDone(d, ticketId, (x) => ({
            ...x,
            erasure: { ...x.erasure!, keptUnderLegalHold: [...x.erasure!.keptUnderLegalHold, ticketId] },
          })),
        );
        continue;
      }
      const counts = await eraseRequesterTicket(deps, desk, ticketId, placeholder);
      await repo.update(desk, id, (d) =>
        markBatchTicketDone(d, ticketId, (x) => ({
          ...x,
          erasure: {
            ...x.erasure!,
            counts: {
              ...x.erasure!.counts,
              tickets: x.erasure!.counts.tickets + 1,
              messages: x.erasure!.counts.messages + counts.messages,
              attachments: x.erasure!.counts.attachments + counts.attachments,
              objects: x.erasure!.counts.objects + counts.objects,
            },
          },
        })),
      );
    }
  }

  /** The export's last step: the bundle from every part; the parts go before the request records it. */
  async function finishExport(dsar: Dsar): Promise<Dsar> {
    const p = dsar.progress!;
    const { desk, id } = dsar;
    const built = (await bundleFromParts(dsar)) ?? (await bundleAlreadyBuilt(dsar));
    for (let n = 0; n < p.batches; n++) await deps.objects.delete(exportPartKey(desk, id, n));
    return recordExport(desk, id, p.by, built);
  }

  function recordExport(desk: string, id: string, approvedBy: Actor, built: BuiltBundle): Promise<Dsar> {
    return repo.update(desk, id, (d) =>
      isJobRunning(d)
        ? finishDsarJob(
            recordDsarExport(
              d,
              {
                objectKey: built.objectKey,
                bytes: built.bytes,
                sha256: built.sha256,
                readyAt: built.createdAt,
                approvedBy,
                counts: built.counts,
              },
              now(),
            ),
            now(),
          )
        : d,
    );
  }

  /** The tickets of every part; undefined when they are gone (the bundle was built before a crash). */
  async function bundleFromParts(dsar: Dsar): Promise<BuiltBundle | undefined> {
    const tickets: TicketExport[] = [];
    for (let n = 0; n < dsar.progress!.batches; n++) {
      const part = await deps.objects.get(exportPartKey(dsar.desk, dsar.id, n));
      if (!part) return undefined;
      tickets.push(...(JSON.parse(part.toString('utf8')) as TicketExport[]));
    }
    return storeBundle(dsar, tickets);
  }

  /** Builds the bundle with the requester's appeals and other requests, and stores it with its record. */
  async function storeBundle(dsar: Dsar, tickets: TicketExport[]): Promise<BuiltBundle> {
    const { desk, id } = dsar;
    const email = dsar.requester.email;
    const ownAppeals = await deps.records.listForRequester<BillingAppeal>('billing-appeal', desk, email);
    const otherRequests = (await deps.records.listForRequester<Dsar>('dsar', desk, email)).filter(
      (d) => d.id !== id,
    );
    const at = now();
    const built = buildExportBundle({
      dsar,
      tickets,
      appeals: ownAppeals,
      otherRequests,
      approvedBy: dsar.progress!.by,
      now: at,
    });
    const objectKey = complianceObjectKeys.exportBundle(desk, id);
    await deps.objects.put(objectKey, built.body, 'application/json');
    const record = {
      desk,
      dsarId: id,
      objectKey,
      bytes: built.bytes,
      sha256: built.sha256,
      createdAt: at.toISOString(),
    };
    await deps.records.putExportRecord(record);
    return { ...record, counts: built.bundle.counts };
  }

  /** The bundle an interrupted last step stored (and removed the parts of) before it could record it. */
  async function bundleAlreadyBuilt(dsar: Dsar): Promise<BuiltBundle> {
    const record = await deps.records.getExportRecord(dsar.desk, dsar.id);
    const fresh = record && record.createdAt >= dsar.progress!.startedAt;
    const body = fresh ? await deps.objects.get(record.objectKey) : undefined;
    if (!record || !body) throw new Error(`export parts of ${dsar.id} are missing and no bundle was built`);
    const bundle = JSON.parse(body.toString('utf8')) as ExportBundle;
    return { ...record, counts: bundle.counts };
  }

  /** The erasure's last step: appeals, other requests and a released hold forget the requester. */
  async function finishErasure(dsar: Dsar): Promise<Dsar> {
    const { desk, id } = dsar;
    const email = dsar.requester.email;
    const placeholder = erasedPlaceholder(id);
    const countErased = (field: 'billingAppeals' | 'otherRequests') =>
      repo.update(desk, id, (d) => ({
        ...d,
        version: d.version + 1,
        erasure: { ...d.erasure!, counts: { ...d.erasure!.counts, [field]: d.erasure!.counts[field] + 1 } },
      }));
    for (const appeal of await deps.records.listForRequester<BillingAppeal>('billing-appeal', desk, email)) {
      await appeals.update(desk, appeal.id, (a) =>
        a.requesterErased ? a : eraseAppeal(a, placeholder, id, now()),
      );
      await countErased('billingAppeals');
    }
    for (const other of await deps.records.listForRequester<Dsar>('dsar', desk, email)) {
      if (other.id === id) continue;
      await repo.update(desk, other.id, (d) =>
        d.requesterErased ? d : eraseOtherRequest(d, placeholder, id, now()),
      );
      await countErased('otherRequests');
    }
    const hold = await holds.get(desk, holdIdFor(desk, { kind: 'requester', email }));
    if (hold) {
      // A released hold still names the requester: it forgets them too.
      await holds.update(desk, hold.id, (h) =>
        h.subject.kind === 'requester' && h.subject.email === email
          ? { ...h, version: h.version + 1, subject: { kind: 'requester', email: placeholder } }
          : h,
      );
    }
    return repo.update(desk, id, (d) =>
      isJobRunning(d) ? finishDsarJob(finishDsarErasure(d, now()), now()) : d,
    );
  }

  /** One step of a running job: a page of tickets, or the last step. Returns the request as saved. */
  async function runBatch(desk: string, id: string): Promise<Dsar | undefined> {
    const current = await repo.get(desk, id);
    if (!current || !isJobRunning(current)) return current;
    if (current.progress!.ticketsDone) {
      return current.progress!.kind === 'export' ? finishExport(current) : finishErasure(current);
    }
    const { dsar, batch } = await pageOf(current);
    if (!batch) return dsar; // another invocation moved on meanwhile
    if (dsar.progress!.kind === 'export') {
      const finished = await exportBatch(dsar, batch);
      if (finished) return finished;
    } else await eraseBatch(dsar, batch);
    const committed = await repo.update(desk, id, (d) => commitDsarBatch(d, batch, now()));
    // The last page: the last step follows at once.
    return isJobRunning(committed) && committed.progress!.ticketsDone ? runBatch(desk, id) : committed;
  }

  return { start, runBatch };
}

export type DsarJobs = ReturnType<typeof dsarJobs>;
