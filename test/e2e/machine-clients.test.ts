import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appScope } from '#shared/auth/cognito-claims.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * One machine client shared by every desk (the default `cognito.machineClients`): its secret may ask for any
 * desk's scope, and each token must carry exactly one, which names the desk the app acts on. These tokens
 * have Cognito's client-credentials shape (no user, no tierdesk claims); the handlers' verifier decides.
 */
let t: TestStack;
const SHARED_CLIENT = 'tierdesk-local-app';
const machineToken = (scopes: string[]) =>
  t.stack.identity.issueClientCredentialsToken({ clientId: SHARED_CLIENT, scopes });

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('the shared machine client: one desk per token, named by its scope', () => {
  it('acts on the desk of its scope and never sees or changes another desk’s tickets', async () => {
    const techflowApp = await machineToken([appScope('techflow')]);
    const acentusApp = await machineToken([appScope('acentus')]);
    const requester = { email: 'integration@example.com', name: 'Integration' };
    const ours = await t.call('POST', '/tickets', {
      token: techflowApp,
      json: { subject: 'From the techflow integration', description: 'x', requester },
    });
    expect(ours.status).toBe(201);
    expect(ours.body.desk).toBe('techflow');
    const theirs = await t.call('POST', '/tickets', {
      token: acentusApp,
      json: { subject: 'From the acentus integration', description: 'x', requester },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body.desk).toBe('acentus');

    // Same client, techflow's scope: acentus's ticket does not exist for it, in reads, lists and writes.
    expect((await t.call('GET', `/tickets/${ours.body.id}`, { token: techflowApp })).status).toBe(200);
    expect((await t.call('GET', `/tickets/${theirs.body.id}`, { token: techflowApp })).status).toBe(404);
    const listed = await t.call('GET', '/tickets?limit=100', { token: techflowApp });
    expect(listed.status).toBe(200);
    const ids = listed.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(ours.body.id);
    expect(ids).not.toContain(theirs.body.id);
    const reply = await t.call('POST', `/tickets/${theirs.body.id}/messages`, {
      token: techflowApp,
      json: { body: 'crossing desks' },
    });
    expect(reply.status).toBe(404);
  });

  it('refuses a token holding several desk scopes (what Cognito issues when no scope is asked for)', async () => {
    const everyDesk = await machineToken([appScope('techflow'), appScope('acentus')]);
    const res = await t.call('GET', '/tickets', { token: everyDesk });
    expect(res.status).toBe(401);
    expect(res.body.type).toBe('/problems/unauthenticated');
  });

  it('refuses a token with no desk scope, or the scope of a desk this deployment does not serve', async () => {
    for (const scopes of [[], ['tierdesk/nosuchdesk.app'], ['aws.cognito.signin.user.admin']]) {
      const res = await t.call('GET', '/tickets', { token: await machineToken(scopes) });
      expect(res.status, scopes.join(' ')).toBe(401);
    }
  });
});
