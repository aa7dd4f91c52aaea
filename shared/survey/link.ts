import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The CSAT/NPS survey link in closure notices: no login, so the link itself is the credential.
 * It names the desk and ticket and carries an HMAC of both under the survey secret; one score per
 * ticket is recorded (by the survey endpoint).
 */
export function surveySignature(secret: string, desk: string, ticketId: string): string {
  return createHmac('sha256', secret).update(`survey:${desk}:${ticketId}`).digest('base64url');
}

export function surveyPath(secret: string, desk: string, ticketId: string): string {
  return `/survey/${encodeURIComponent(desk)}/${encodeURIComponent(ticketId)}?sig=${surveySignature(secret, desk, ticketId)}`;
}

export function verifySurveySignature(secret: string, desk: string, ticketId: string, sig: string): boolean {
  const expected = Buffer.from(surveySignature(secret, desk, ticketId));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
