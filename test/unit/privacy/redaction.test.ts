import { describe, expect, it } from 'vitest';
import { redactOutgoingMail, redactPublicReply } from '#shared/privacy/redaction.ts';

const ticket = (desk: string) => ({
  id: '01JAAAAAAAAAAAAAAAAAAAAAAA',
  desk,
  requester: { email: 'dana@example.com' },
});
const card = 'card 4111 1111 1111 1111';

describe('redaction hooks', () => {
  it('redacts public staff replies on a desk whose pack asks, never customers’ messages or internal notes', () => {
    expect(
      redactPublicReply({ role: 'agent' }, ticket('acentus'), { body: card, visibility: 'public' }).body,
    ).toBe('card [redacted: card number]');
    expect(
      redactPublicReply({ role: 'app' }, ticket('acentus'), { body: card, visibility: 'public' }).body,
    ).toBe('card [redacted: card number]');
    expect(
      redactPublicReply({ role: 'agent' }, ticket('acentus'), { body: card, visibility: 'internal' }).body,
    ).toBe(card);
    expect(
      redactPublicReply({ role: 'customer' }, ticket('acentus'), { body: card, visibility: 'public' }).body,
    ).toBe(card);
    expect(
      redactPublicReply({ role: 'agent' }, ticket('techflow'), { body: card, visibility: 'public' }).body,
    ).toBe(card);
  });

  it('scans mail from a redacting desk’s domain, keeping the recipient and signed links', () => {
    const link =
      'https://support.example.com/survey/acentus/01JAAAAAAAAAAAAAAAAAAAAAAA?sig=1796302137.Xy9aB3cD5eF7gH9iJ1kL3mN5oP7qR9sT1uV3wX5yZ7a';
    const mail = {
      from: { address: 'support@acentus.example.com' },
      to: ['dana@example.com'],
      subject: `Re: ${card}`,
      text: `Hi dana@example.com, bob@acme.example called. Survey: ${link}`,
      html: `<p>${card}</p>`,
      ticketId: '01JAAAAAAAAAAAAAAAAAAAAAAA',
    };
    const out = redactOutgoingMail(mail);
    expect(out.subject).toBe('Re: card [redacted: card number]');
    expect(out.text).toBe(`Hi dana@example.com, [redacted: email address] called. Survey: ${link}`);
    expect(out.html).toBe('<p>card [redacted: card number]</p>');
    expect(redactOutgoingMail({ ...mail, from: { address: 'support@techflowsolutions.com' } })).toEqual({
      ...mail,
      from: { address: 'support@techflowsolutions.com' },
    });
  });
});
