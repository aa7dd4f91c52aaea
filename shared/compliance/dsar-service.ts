/**
 * DSAR use cases: what the API routes, the deadline handler and the email intake call. Rules live in
 * dsar.ts (pure); this module reads and writes records, tickets and objects around them.
 */
import { createHash } from 'node:crypto';
import * as z from '#shared/validation/zod.ts';
import { isStaff, type Principal } from '../auth/principal.ts';
import { DomainError } from '../errors/domain-error.ts';
import type { IdempotencyStore } from '../idempotency/ports.ts';
import type { ObjectStore } from '../objects/ports.ts';
import type { PolicyPack } from '../policy/schema.ts';
import { newId } from '../runtime/ids.ts';
import type { BanCheck } from '../tickets/bans.ts';
import type { TicketReader } from '../tickets/ports.ts';
import type { Clock } from '../time/clock.ts';
import { type BillingAppeal, isAppealOpen, nextAppealDeadline } from './billing-appeal.ts';
import {
  applyDsarDeadlines,
  assertReadyToFulfil,
  DSAR_CHANNELS,
  DSAR_KINDS,
  DSAR_STATUSES,
  type Dsar,
  DsarRequesterBody,
  type ExtensionBody,
  extendDsar,
  nextDsarDeadline,
  openDsar,
  type RejectionBody,
  recordExportDownload,
  rejectDsar,
  resendDsarCode,
  type VerificationBody,
  verifyDsarIdentity,
} from './dsar.ts';
import { type DsarJobDeps, dsarJobs } from './dsar-jobs.ts';
import { DSAR_BATCHES_PER_RUN, type DsarJobKind, isJobRunning, progressView } from './dsar-progress.ts';
import { CODE_DIGITS } from './identity.ts';
import { isActive, type LegalHold, requesterHoldId } from './legal-hold.ts';
import type {
  AttachmentStore,
  ComplianceStore,
  DeadlineScheduler,
  RandomSource,
  RetentionStore,
} from './ports.ts';
import { recordRepository } from './record-repository.ts';
import { actorOf, ROLE_RANK } from './records.ts';
import { applyDueDeadlines, listRequests, requestIdFor, verificationRefused } from './verifiable-request.ts';

export interface DsarServiceDeps {
  records: ComplianceStore;
  /** Self-service requests from a banned address are refused (staff can still file one for them). */
  bans: BanCheck;
  retention: RetentionStore;
  tickets: TicketReader;
  /** Creates under an Idempotency-Key (and one request per mailed Message-ID) happen once. */
  idempotency: IdempotencyStore;
  attachments: AttachmentStore;
  objects: ObjectStore;
  scheduler: DeadlineScheduler;
  clock: Clock;
  random: RandomSource;
  packFor(desk: string): PolicyPack | undefined;
}

export const CreateDsarBody = z.strictObject({
  kind: z.enum(DSAR_KINDS),
  /** Staff and apps: whose request it is. Customers file for themselves. */
  requester: z.optional(DsarRequesterBody),
  /** Staff: how it reached us (a letter, a call). */
  channel: z.optional(z.enum(DSAR_CHANNELS)),
  /** Staff: when it reached us, if earlier than now (the month runs from receipt). */
  receivedAt: z.optional(z.iso.datetime({ offset: true })),
});
export type CreateDsarBody = z.infer<typeof CreateDsarBody>;

export const ListDsarQuery = z.strictObject({
  status: z.optional(z.enum(DSAR_STATUSES)),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(2000))),
});

/** The largest bundle the download route returns inline (Lambda's synchronous response limit is 6 MB). */
export const MAX_INLINE_EXPORT_BYTES = 5 * 1024 * 1024;

export function dsarIndex(packFor: (desk: string) => PolicyPack | undefined) {
  return {
    kind: 'dsar' as const,
    schedulable: true,
    index: (d: Dsar) => ({
      createdAt: d.receivedAt,
      nextDeadlineAt: nextDsarDeadline(d, packFor(d.desk)),
      requesterEmail: d.requesterErased ? null : d.requester.email,
    }),
  };
}

export function appealIndex() {
  return {
    kind: 'billing-appeal' as const,
    schedulable: true,
    index: (a: BillingAppeal) => ({
      createdAt: a.receivedAt,
      nextDeadlineAt: isAppealOpen(a) ? nextAppealDeadline(a) : null,
      requesterEmail: a.requesterErased ? null : a.requester.email,
    }),
  };
}

/** What a caller may see of a request: customers the outcome, staff everything but secrets. */
export function dsarView(dsar: Dsar, principal: Principal) {
  const { codeHash: _h, codeSalt: _s, ...identity } = dsar.identity;
  if (isStaff(principal)) {
    const { progress: _p, ...record } = dsar;
    return {
      ...record,
      identity,
      ...(dsar.progress ? { progress: progressView(dsar.progress) } : {}),
      notices: dsar.notices.map((n) =>
        'code' in n.params ? { ...n, params: { ...n.params, code: '(hidden)' } } : n,
      ),
    };
  }
  return {
    id: dsar.id,
    kind: dsar.kind,
    status: dsar.status,
    receivedAt: dsar.receivedAt,
    dueAt: dsar.dueAt,
    identity: {
      status: identity.status,
      ...(identity.codeExpiresAt ? { codeExpiresAt: identity.codeExpiresAt } : {}),
    },
    ...(dsar.extension
      ? { extension: { months: dsar.extension.months, reason: dsar.extension.reason, at: dsar.extension.at } }
      : {}),
    ...(dsar.export
      ? { export: { readyAt: dsar.export.readyAt, bytes: dsar.export.bytes, sha256: dsar.export.sha256 } }
      : {}),
    ...(dsar.erasure?.finishedAt
      ? {
          erasure: {
            finishedAt: dsar.erasure.finishedAt,
            keptUnderLegalHold: dsar.erasure.keptUnderLegalHold.length,
          },
        }
      : {}),
    ...(dsar.progress ? { progress: progressView(dsar.progress) } : {}),
    ...(dsar.rejection ? { rejection: { reason: dsar.rejection.reason, at: dsar.rejection.at } } : {}),
    ...(dsar.fulfilledAt ? { fulfilledAt: dsar.fulfilledAt } : {}),
  };
}

/*
 * The use cases come in groups, one per kind of route, each taking only what it runs: esbuild then
 * bundles a route with its group's rules alone (a read route carries no export, erasure or packs).
 * `dsarService` is all of them, for callers that run several (tests, the deadline handler).
 */

type DsarRecordDeps = Pick<DsarServiceDeps, 'records' | 'scheduler' | 'clock' | 'packFor'>;

/** The request, if the caller may see it (customers: their own; staff: their desk's). */
async function visibleDsar(records: ComplianceStore, principal: Principal, id: string): Promise<Dsar> {
  const dsar = await records.get<Dsar>('dsar', principal.desk, id);
  if (!dsar || !canSee(principal, dsar)) throw DomainError.notFound(`Data subject request ${id}`);
  return dsar;
}

function canSee(principal: Principal, dsar: Dsar) {
  if (isStaff(principal)) return true;
  return principal.role === 'customer' && !!principal.email && principal.email === dsar.requester.email;
}

/** Saving requests: the index (next deadline, from the desk's pack) and the deadline schedule follow. */
function dsarRecords(deps: DsarRecordDeps) {
  const repo = recordRepository<Dsar>(deps, dsarIndex(deps.packFor));
  return {
    repo,
    now: () => deps.clock.now(),
    visible: (principal: Principal, id: string) => visibleDsar(deps.records, principal, id),
    async change(principal: Principal, id: string, fn: (d: Dsar) => Dsar) {
      await visibleDsar(deps.records, principal, id);
      return repo.update(principal.desk, id, fn, `Data subject request ${id}`);
    },
  };
}

/** Reading requests: the table alone. */
export function dsarReads(deps: Pick<DsarServiceDeps, 'records'>) {
  return {
    list(principal: Principal, query: z.infer<typeof ListDsarQuery>) {
      return listRequests<Dsar, ReturnType<typeof dsarView>>(
        deps.records,
        'dsar',
        principal,
        query,
        (r) => dsarView(r, principal),
        'Customers see their own requests.',
      );
    },

    async get(principal: Principal, id: string) {
      return dsarView(await visibleDsar(deps.records, principal, id), principal);
    },
  };
}

/** Verifying the requester's identity: a new code, a code or a lead's attestation. */
export function dsarVerification(deps: DsarRecordDeps & Pick<DsarServiceDeps, 'random'>) {
  const { change, now } = dsarRecords(deps);
  return {
    async resendCode(principal: Principal, id: string) {
      const by = actorOf(principal);
      const dsar = await change(principal, id, (d) =>
        resendDsarCode(d, deps.random.code(CODE_DIGITS), deps.random.salt(), by, now()),
      );
      return dsarView(dsar, principal);
    },

    async verify(principal: Principal, id: string, body: z.infer<typeof VerificationBody>) {
      let outcome: { verified: boolean; reason?: string | undefined } = { verified: false };
      const dsar = await change(principal, id, (d) => {
        const result = verifyDsarIdentity(d, body, actorOf(principal), now());
        outcome = { verified: result.verified, reason: result.reason };
        return result.dsar;
      });
      if (!outcome.verified) throw verificationRefused(outcome.reason, 'request a new one.');
      return dsarView(dsar, principal);
    },
  };
}

/** Opening (API or email), extending and rejecting requests: each moves the deadline schedule. */
export function dsarLifecycle(
  deps: DsarRecordDeps & Pick<DsarServiceDeps, 'bans' | 'idempotency' | 'random'>,
) {
  const { repo, change, now } = dsarRecords(deps);

  async function open(input: {
    desk: string;
    kind: Dsar['kind'];
    channel: Dsar['channel'];
    requester: { email: string; name?: string | undefined };
    receivedAt: Date;
    filedBy: { id: string; role: Dsar['filedBy']['role'] };
    id: string;
    sourceMessageId?: string;
  }) {
    const at = now();
    const pack = deps.packFor(input.desk);
    const dsar = applyDsarDeadlines(
      openDsar({ ...input, pack, now: at, code: deps.random.code(CODE_DIGITS), salt: deps.random.salt() }),
      pack,
      at,
    );
    return repo.create(dsar);
  }

  return {
    async create(principal: Principal, body: CreateDsarBody, idem?: { key: string; requestHash: string }) {
      const onBehalf = principal.role !== 'customer';
      if (!onBehalf) {
        const fields = (['requester', 'channel', 'receivedAt'] as const).filter((f) => body[f] !== undefined);
        if (fields.length) {
          throw DomainError.validation(
            fields.map((f) => ({ pointer: `/${f}`, detail: 'set by the system for your own request' })),
          );
        }
        if (!principal.email) throw DomainError.forbidden('Your token carries no email address.');
      } else if (!body.requester) {
        throw DomainError.validation([{ pointer: '/requester', detail: 'required when filing for someone' }]);
      }
      // The right of access outlives a support ban: staff who received the request another way file it.
      if (!isStaff(principal))
        await deps.bans.assertNotBanned(principal.desk, principal.email, body.requester?.email);
      const id = await requestIdFor(deps.idempotency, principal, 'create-dsar', idem, now());
      const requester = onBehalf
        ? body.requester!
        : { email: principal.email!, ...(principal.name ? { name: principal.name } : {}) };
      const { record, created } = await open({
        id,
        desk: principal.desk,
        kind: body.kind,
        channel: onBehalf ? (body.channel ?? 'api') : 'api',
        requester,
        receivedAt: body.receivedAt ? new Date(body.receivedAt) : now(),
        filedBy: actorOf(principal),
      });
      return { dsar: dsarView(record, principal), replayed: !created };
    },

    /** Email intake: a request recognised in an inbound email; one request per Message-ID. */
    async openFromEmail(input: {
      desk: string;
      kind: Dsar['kind'];
      from: { email: string; name?: string | undefined };
      messageId: string;
      receivedAt: Date;
    }) {
      let id = newId(now());
      const claim = await deps.idempotency.claimIdempotencyKey({
        desk: input.desk,
        principalId: 'email-intake',
        scope: 'dsar-email',
        key: digest(input.messageId),
        requestHash: digest(`${input.kind}\n${input.from.email}`),
        resourceId: id,
        at: now().toISOString(),
      });
      if (claim.kind === 'replay') id = claim.resourceId;
      const { record, created } = await open({
        id,
        desk: input.desk,
        kind: input.kind,
        channel: 'email',
        requester: input.from,
        receivedAt: input.receivedAt,
        filedBy: { id: 'email-intake', role: 'system' },
        sourceMessageId: input.messageId,
      });
      return { dsarId: record.id, created, dueAt: record.dueAt };
    },

    async extend(principal: Principal, id: string, body: z.infer<typeof ExtensionBody>) {
      const pack = deps.packFor(principal.desk);
      return dsarView(
        await change(principal, id, (d) => extendDsar(d, pack, body, actorOf(principal), now())),
        principal,
      );
    },

    async reject(principal: Principal, id: string, body: z.infer<typeof RejectionBody>) {
      return dsarView(
        await change(principal, id, (d) => rejectDsar(d, body.reason, actorOf(principal), now())),
        principal,
      );
    },
  };
}

/** Carrying out access and erasure requests in batches, and the deadlines that continue them. */
export function dsarFulfilment(deps: DsarRecordDeps & DsarJobDeps) {
  const { repo, visible, now } = dsarRecords(deps);
  const appeals = recordRepository<BillingAppeal>(deps, appealIndex());
  const holds = recordRepository<LegalHold>(deps, {
    kind: 'legal-hold',
    schedulable: false,
    index: (h) => ({ createdAt: h.setAt, nextDeadlineAt: null, requesterEmail: null }),
  });
  const jobs = dsarJobs(deps, repo, appeals, holds);

  async function startJob(principal: Principal, id: string, kind: DsarJobKind): Promise<Dsar> {
    const dsar = await visible(principal, id);
    if (isJobRunning(dsar)) return dsar;
    const by = actorOf(principal);
    assertReadyToFulfil(dsar, kind === 'export' ? 'access' : 'erasure', by);
    if (kind === 'erasure') {
      const hold = await holds.get(dsar.desk, requesterHoldId(dsar.desk, dsar.requester.email));
      if (isActive(hold)) {
        throw DomainError.conflict(
          'requester-under-legal-hold',
          'A legal hold covers this requester (GDPR Art. 17(3)(e)); reject the request with that reason, or release the hold first.',
        );
      }
    }
    const started = await jobs.start(dsar, kind, by);
    return (await jobs.runBatch(started.desk, started.id)) ?? started;
  }

  /** The next batches of a running export or erasure (the deadline schedule and the sweep call this). */
  async function continueJob(desk: string, id: string) {
    let batches = 0;
    for (; batches < DSAR_BATCHES_PER_RUN; batches++) {
      const dsar = await repo.get(desk, id);
      if (!dsar || !isJobRunning(dsar)) break;
      await jobs.runBatch(desk, id);
    }
    return batches ? { batches } : {};
  }

  return {
    /**
     * Starts the export (lead+ approves: RCH "log any data exports with … approver identity") and works
     * through the first page of the requester's tickets; the rest follow in the background (`continueJob`).
     * A call while the export runs shows its progress.
     */
    async export(principal: Principal, id: string) {
      return dsarView(await startJob(principal, id, 'export'), principal);
    },

    /**
     * Erasure: every ticket of the requester (except those under a legal hold) loses what identifies
     * them and keeps its SLA statistics; their appeals and other requests forget them; the request
     * records counts only. Batched like the export; a call while it runs shows its progress.
     */
    async erase(principal: Principal, id: string) {
      return dsarView(await startJob(principal, id, 'erasure'), principal);
    },

    /** Deadline handler and sweep: applies reminders and escalation that have come due. */
    async applyDeadlines(desk: string, id: string) {
      const pack = deps.packFor(desk);
      const result = await applyDueDeadlines(repo, desk, id, (d) => applyDsarDeadlines(d, pack, now()));
      return { ...result, ...(await continueJob(desk, id)) };
    },
  };
}

/** Downloading the export bundle: the bucket, and the audit of the download on the request. */
export function dsarDownloads(deps: DsarRecordDeps & Pick<DsarServiceDeps, 'objects'>) {
  const { repo, visible, now } = dsarRecords(deps);
  return {
    /** The bundle, for the verified requester or a lead; each download is audited. */
    async download(principal: Principal, id: string) {
      const dsar = await visible(principal, id);
      if (isStaff(principal) && ROLE_RANK[principal.role] < ROLE_RANK.lead) {
        throw DomainError.forbidden('Only the requester, or a lead, manager or ops, can download an export.');
      }
      if (!isStaff(principal) && dsar.identity.status !== 'verified') {
        throw DomainError.conflict('identity-not-verified', 'Verify your identity first.');
      }
      if (!dsar.export)
        throw DomainError.conflict('export-not-ready', 'The export has not been prepared yet.');
      const record = await deps.records.getExportRecord(principal.desk, id);
      const body = record ? await deps.objects.get(record.objectKey) : undefined;
      if (!record || !body) {
        throw DomainError.conflict(
          'export-expired',
          'The export was deleted after its retention period; a lead can prepare a new one on a new request.',
        );
      }
      if (body.length > MAX_INLINE_EXPORT_BYTES) {
        throw DomainError.conflict(
          'export-too-large',
          `The bundle is ${body.length} bytes; ops can hand it over from the object store (${record.objectKey}).`,
        );
      }
      await repo.update(principal.desk, id, (d) => recordExportDownload(d, actorOf(principal), now()));
      return { body: body.toString('utf8'), sha256: record.sha256, filename: `dsar-${id}.json` };
    },
  };
}

/** Every DSAR use case. */
export function dsarService(deps: DsarServiceDeps) {
  return {
    ...dsarReads(deps),
    ...dsarVerification(deps),
    ...dsarLifecycle(deps),
    ...dsarFulfilment(deps),
    ...dsarDownloads(deps),
  };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export type DsarService = ReturnType<typeof dsarService>;
