import { html, publicRoute } from '#shared/http/public-route.ts';
import { PathParameter, pathParameter } from '#shared/http/request.ts';
import { surveyDeps } from '#shared/runtime/ops-deps.ts';
import { renderSurveyPage, SURVEY_PAGE_CSP } from '#shared/survey/page.ts';

const STATUS = {
  'invalid-link': 403,
  'not-found': 404,
  'not-resolved': 409,
  already: 200,
  open: 200,
} as const;

/** GET /survey/{desk}/{ticketId}?sig= — the closure survey page; the signed link is the credential. */
export const handler = publicRoute('signed-link', async (event) => {
  const desk = pathParameter(event, 'desk', PathParameter.desk);
  const ticketId = pathParameter(event, 'ticketId', PathParameter.ulid);
  const { surveys } = surveyDeps();
  const state = await surveys.check(desk, ticketId, event.queryStringParameters?.sig);
  const deskName = state.kind === 'open' ? state.deskName : surveys.deskName(desk);
  const page = renderSurveyPage({
    deskName,
    ticketId,
    state: state.kind === 'open' ? { kind: 'form' } : state,
  });
  return html(STATUS[state.kind], page, SURVEY_PAGE_CSP);
});
