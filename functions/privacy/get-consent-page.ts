import { html, publicRoute } from '#shared/http/public-route.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { CONSENT_PAGE_CSP, renderConsentPage } from '#shared/privacy/consent-page.ts';
import { consentLinkDeps } from '#shared/runtime/privacy-deps.ts';

const STATUS = { 'invalid-link': 403, 'not-found': 404, expired: 410, decided: 200, open: 200 } as const;

/** GET /consent/{desk}/{ticketId}/{consentId}?decision=&sig= — the consent question; decides nothing. */
export const handler = publicRoute('signed-link', async (event) => {
  const state = await consentLinkDeps().linkState(
    pathParameter(event, 'desk', PathParameter.desk),
    pathParameter(event, 'ticketId', PathParameter.ulid),
    pathParameter(event, 'consentId', PathParameter.ulid),
    event.queryStringParameters?.sig,
  );
  const suggested = event.queryStringParameters?.decision === 'refuse' ? 'refuse' : 'grant';
  return html(STATUS[state.kind], renderConsentPage(state, suggested), CONSENT_PAGE_CSP);
});
