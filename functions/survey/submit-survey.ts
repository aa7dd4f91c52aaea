import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DomainError } from '#shared/errors/domain-error.ts';
import { json } from '#shared/http/api-handler.ts';
import { fieldErrorsOf, Problem, problems } from '#shared/http/problem.ts';
import { html, publicRoute } from '#shared/http/public-route.ts';
import { bodyText, PathParameter, parseJsonBody, pathParameter } from '#shared/http/request.ts';
import { surveyDeps } from '#shared/runtime/ops-deps.ts';
import { renderSurveyPage, SURVEY_PAGE_CSP, SurveyAnswer } from '#shared/survey/page.ts';
import type { SurveySubmission } from '#shared/survey/service.ts';

const isForm = (event: APIGatewayProxyEventV2) =>
  /^application\/x-www-form-urlencoded\b/i.test(event.headers?.['content-type'] ?? '');

function formFields(event: APIGatewayProxyEventV2): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(bodyText(event)));
}

const PAGE_STATUS: Record<SurveySubmission['kind'], number> = {
  recorded: 200,
  already: 409,
  'invalid-link': 403,
  'not-found': 404,
  'not-resolved': 409,
  banned: 403,
};

/**
 * POST /survey/{desk}/{ticketId}?sig= — records the CSAT/NPS answer once per ticket. The page's
 * form posts form-encoded and gets pages back; a JSON client gets JSON (201, or 409 the second time).
 */
export const handler = publicRoute('signed-link', async (event) => {
  const desk = pathParameter(event, 'desk', PathParameter.desk);
  const ticketId = pathParameter(event, 'ticketId', PathParameter.ulid);
  const sig = event.queryStringParameters?.sig;
  const { surveys } = surveyDeps();

  if (isForm(event)) {
    const parsed = SurveyAnswer.safeParse(formFields(event));
    if (!parsed.success) {
      const state = await surveys.check(desk, ticketId, sig);
      if (state.kind === 'open') {
        const errors = fieldErrorsOf(parsed.error).map(
          (e) => `${e.pointer.slice(1) || 'answer'}: ${e.detail}`,
        );
        return html(
          400,
          renderSurveyPage({ deskName: state.deskName, ticketId, state: { kind: 'form', errors } }),
          SURVEY_PAGE_CSP,
        );
      }
      return html(
        PAGE_STATUS[state.kind],
        renderSurveyPage({ deskName: surveys.deskName(desk), ticketId, state }),
        SURVEY_PAGE_CSP,
      );
    }
    const outcome = await surveys.submit(desk, ticketId, sig, parsed.data);
    const state = outcome.kind === 'recorded' ? { kind: 'thanks' as const } : outcome;
    return html(
      PAGE_STATUS[outcome.kind],
      renderSurveyPage({ deskName: surveys.deskName(desk), ticketId, state }),
      SURVEY_PAGE_CSP,
    );
  }

  const answer = parseJsonBody(event, SurveyAnswer);
  const outcome = await surveys.submit(desk, ticketId, sig, answer);
  switch (outcome.kind) {
    case 'recorded':
      return json(201, { desk, ticketId, submittedAt: outcome.submittedAt, ...answer });
    case 'already':
      throw problems.conflict(
        'survey-already-answered',
        `This ticket's survey was answered at ${outcome.submittedAt}; each ticket records one answer.`,
      );
    case 'invalid-link':
      throw problems.forbidden('The survey link is not valid (its signature does not match).');
    case 'not-found':
      throw problems.notFound(`Ticket ${ticketId}`);
    case 'banned':
      throw DomainError.banned();
    case 'not-resolved':
      throw new Problem(
        409,
        'ticket-not-resolved',
        'Conflict',
        'The ticket is not resolved (or was reopened); the survey opens once it is resolved.',
      );
  }
});
