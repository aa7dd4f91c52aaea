import { describe, expect, it } from 'vitest';
import { openDsarFromEmail, recognizeDsarEmail } from '#shared/compliance/dsar-intake.ts';

describe('recognising a DSAR in an inbound email', () => {
  it.each([
    ['Data Subject Access Request', 'Please send me all data you hold.', 'access'],
    ['GDPR', 'Under Article 15 I request a copy of the personal data you hold about me.', 'access'],
    ['Question', 'What personal data do you hold on me?', 'access'],
    ['Demande', "Je fais valoir mon droit d'accès à mes données.", 'access'],
    ['Please delete', 'I want you to delete my personal data and close my account.', 'erasure'],
    ['Right to be forgotten', 'Invoking my right to be forgotten (Art. 17).', 'erasure'],
    ['Löschung', 'Ich verlange die Löschung meiner Daten.', 'erasure'],
  ])('"%s" / "%s" → %s', (subject, text, kind) => {
    expect(recognizeDsarEmail({ subject, text })).toBe(kind);
  });

  it.each([
    ['Cannot log in', 'The login page says my password is wrong.'],
    ['Delete a contact', 'How do I delete a contact from my address book?'],
    ['Export broken', 'The CSV export of my reports fails.'],
  ])('leaves an ordinary ticket alone: "%s"', (subject, text) => {
    expect(recognizeDsarEmail({ subject, text })).toBeUndefined();
  });

  it('opens the request for the sender once per Message-ID, or reports that it is not one', async () => {
    const calls: unknown[] = [];
    const dsars = {
      openFromEmail: async (input: unknown) => {
        calls.push(input);
        return { dsarId: 'D1', created: calls.length === 1, dueAt: '2030-02-28T10:00:00.000Z' };
      },
    };
    const mail = {
      desk: 'techflow',
      from: { email: 'ana@example.com' },
      subject: 'Right to erasure',
      text: 'Please erase my data.',
      messageId: '<m1@example.com>',
      receivedAt: new Date('2030-01-31T10:00:00Z'),
    };
    expect(await openDsarFromEmail(dsars, mail)).toMatchObject({
      recognized: true,
      kind: 'erasure',
      dsarId: 'D1',
      created: true,
    });
    expect(calls).toEqual([
      {
        desk: 'techflow',
        kind: 'erasure',
        from: { email: 'ana@example.com' },
        messageId: '<m1@example.com>',
        receivedAt: mail.receivedAt,
      },
    ]);
    expect(await openDsarFromEmail(dsars, { ...mail, subject: 'Hello', text: 'Thanks!' })).toEqual({
      recognized: false,
    });
  });
});
