import { problems } from '#shared/http/problem.ts';
import { html, publicRoute } from '#shared/http/public-route.ts';
import { bodyText, PathParameter, pathParameter } from '#shared/http/request.ts';
import { CONSENT_PAGE_CSP, renderConsentPage } from '#shared/privacy/consent-page.ts';
import { consentLinkDeps } from '#shared/runtime/privacy-deps.ts';
import * as z from '#shared/validation/zod.ts';

const STATUS = { 'invalid-link': 403, 'not-found': 404, expired: 410, decided: 200, open: 200 } as const;
/** The page's form posts `decision=grant|refuse` (form-encoded). */
export const ConsentLinkAnswer = z.strictObject({ decision: z.enum(['grant', 'refuse']) });

/** POST /consent/{desk}/{ticketId}/{consentId}?sig= — records the customer's answer from the link's page. */
export const handler = publicRoute('signed-link', async (event) => {
  const parsed = ConsentLinkAnswer.safeParse(Object.fromEntries(new URLSearchParams(bodyText(event))));
  if (!parsed.success) {
    throw problems.validation([{ pointer: '/decision', detail: 'grant or refuse' }]);
  }
  const state = await consentLinkDeps().decideByLink(
    pathParameter(event, 'desk', PathParameter.desk),
    pathParameter(event, 'ticketId', PathParameter.ulid),
    pathParameter(event, 'consentId', PathParameter.ulid),
    event.queryStringParameters?.sig,
    parsed.data.decision,
  );
  return html(STATUS[state.kind], renderConsentPage(state, undefined), CONSENT_PAGE_CSP);
});
