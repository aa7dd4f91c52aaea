import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiRecorder } from '#shared/kpis/recorder.ts';
import type { MailStore } from '#shared/mail/ports.ts';
import { staticThreadKeys } from '#shared/mail/thread-token.ts';
import { type DeliveryDeps, deliverPendingMail } from '#shared/notices/deliver.ts';
import { sweepDeskOutbox } from '#shared/notices/outbound-sweep.ts';
import type { MailSender } from '#shared/notices/sender.ts';
import type { BlobStore } from '#shared/objects/ports.ts';
import { staticKeyring } from '#shared/secrets/keyring.ts';
import { dynamoKpiRollupStore } from '#shared/store/kpi-rollup-store.ts';
import { dynamoMailStore } from '#shared/store/mail-store.ts';
import { dynamoSweepPages } from '#shared/store/sweep-pages.ts';
import { dynamoTicketStore } from '#shared/store/ticket-store.ts';
import { CreateTicketBody, openTicket } from '#shared/tickets/commands.ts';
import { deskDefaultsFor } from '#shared/tickets/desk-policy.ts';
import type { TicketStore } from '#shared/tickets/ports.ts';
import type { Clock } from '#shared/time/clock.ts';
import { checkTicketSla } from '#shared/workflow/check-ticket-sla.ts';
import { policyPackPlanner } from '#shared/workflow/policy-planner.ts';
import { DEFAULT_FIRST_RESPONSE_MINUTES, fixedFirstResponsePlanner } from '#shared/workflow/sla-planner.ts';
import { startDynalite } from '../support/dynalite.ts';
import { enterpriseCustomer } from '../support/principals.ts';

/**
 * A send lease is measured on the real clock: a jump of the business (virtual) clock while a send
 * is in flight must not let another sender take the entry over and send it a second time.
 */
const noBlobs: BlobStore = { put: async () => {}, getText: async () => '' };
const planner = policyPackPlanner(fixedFirstResponsePlanner(DEFAULT_FIRST_RESPONSE_MINUTES));
const customer = enterpriseCustomer;
const created = new Date('2030-01-07T15:00:00Z');

let db: Awaited<ReturnType<typeof startDynalite>>;
let ticketStore: TicketStore;
let mailStore: MailStore;

beforeAll(async () => {
  db = await startDynalite();
  ticketStore = dynamoTicketStore(db.doc, db.tableName, noBlobs);
  mailStore = dynamoMailStore(db.doc, db.tableName);
});
afterAll(() => db.stop());

/** A sender that records every send and holds the first one until released. */
function holdingSender() {
  const sent: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((ok) => {
    release = ok;
  });
  let entered!: () => void;
  const firstEntered = new Promise<void>((ok) => {
    entered = ok;
  });
  const sender: MailSender = {
    async send(mail) {
      const action =
        /^X-Tierdesk-Action-Id: (.+)$/im
          .exec(mail.raw.toString().replace(/\r?\n[ \t]+/g, ' '))?.[1]
          ?.trim() ?? '?';
      sent.push(action);
      if (sent.length === 1) {
        entered();
        await released;
      }
      return { providerMessageId: `p-${sent.length}`, messageIdHeader: `<p-${sent.length}@local>` };
    },
  };
  return { sender, sent, release, firstEntered };
}

describe('outbound mail leases', () => {
  it('a virtual clock jump past the lease while a send is in flight does not send it again', async () => {
    const id = '01J00000000000000000LEASE1';
    const change = openTicket({
      principal: customer,
      body: CreateTicketBody.parse({ subject: 'Down', description: 'x', priority: 'urgent' }),
      id,
      now: created,
      defaults: { ...deskDefaultsFor('techflow'), plan: 'enterprise', priority: 'normal' },
    });
    await ticketStore.putNewTicket(change);
    // Queue the notices of the first Apply step (no mail port: nothing is sent yet).
    let virtualNow = new Date(created.getTime() + 20 * 60_000);
    const businessClock: Clock = { now: () => virtualNow };
    await checkTicketSla(
      {
        store: ticketStore,
        planner,
        clock: businessClock,
        kpis: kpiRecorder(dynamoKpiRollupStore(db.doc, db.tableName)),
      },
      { ticketId: id, desk: 'techflow', executionName: id },
    );
    const queued = (await ticketStore.getTicket('techflow', id))!.outbox!.map((m) => m.id);
    expect(queued.length).toBeGreaterThan(0);
    await mailStore.touchOutbox('techflow', id, virtualNow.toISOString());

    const { sender, sent, release, firstEntered } = holdingSender();
    const realNow = new Date('2030-01-07T15:20:00Z');
    const deps: DeliveryDeps = {
      ticketStore,
      mailStore,
      sender,
      threadKeys: staticThreadKeys({ current: 'outbound-lease-test-thread-key-0123456789' }),
      clock: businessClock,
      leaseClock: { now: () => realNow },
      publicBaseUrl: 'http://127.0.0.1',
      surveyKeys: staticKeyring({ current: 'outbound-lease-test-survey-key-0123456789' }),
    };
    const writer = deliverPendingMail(deps, 'techflow', id);
    await firstEntered; // the first send is in flight
    virtualNow = new Date(virtualNow.getTime() + 5 * 3600_000); // a big jump of the business clock
    const sweep = await sweepDeskOutbox(
      { ...deps, pages: dynamoSweepPages(db.doc, db.tableName) },
      'techflow',
      {
        timeLeft: () => true,
      },
    );
    release();
    const report = await writer;

    // The live sweep looks at the ticket once per listing (its own, and the earlier version's note).
    expect(new Set(sweep.reports.map((r) => r.ticketId))).toEqual(new Set([id]));
    expect(new Set(sent).size).toBe(sent.length); // no action sent twice
    expect([...sent].sort()).toEqual([...queued].sort()); // and each sent once
    expect(report.sent[0]).toBe(sent[0]);
    const outbox = (await ticketStore.getTicket('techflow', id))!.outbox!;
    expect(outbox.every((m) => m.status === 'sent')).toBe(true);
  });
});
