import { AuditQuery } from '#functions/compliance/list-compliance-audit.ts';
import { PreviewBody } from '#functions/compliance/preview-retention.ts';
import { ListIncidentsQuery } from '#functions/incidents/list-incidents.ts';
import { ListSlaCreditsQuery } from '#functions/incidents/list-sla-credits.ts';
import { KpiQuery } from '#functions/kpis/get-kpis.ts';
import { QueueQuery } from '#functions/ops/get-queue.ts';
import { HistoryQuery } from '#functions/ops/get-ticket-history.ts';
import { ConsentLinkAnswer } from '#functions/privacy/submit-consent-page.ts';
import { ListTicketsQuery } from '#functions/tickets/list-tickets.ts';
import { ListAppealsQuery } from '#shared/compliance/appeal-service.ts';
import { AddAttachmentBody } from '#shared/compliance/attachment-service.ts';
import { CreateAppealBody, DecisionBody } from '#shared/compliance/billing-appeal.ts';
import { ExtensionBody, RejectionBody, VerificationBody } from '#shared/compliance/dsar.ts';
import { CreateDsarBody, ListDsarQuery } from '#shared/compliance/dsar-service.ts';
import { ListHoldsQuery, ReleaseHoldBody, SetHoldBody } from '#shared/compliance/hold-service.ts';
import { PathParameter, type PathParameterShape } from '#shared/http/request.ts';
import { MarkReportableBody, RecordNotificationBody } from '#shared/incidents/breach.ts';
import { CreateIncidentBody, UpdateIncidentBody } from '#shared/incidents/commands.ts';
import { StatusFeed } from '#shared/incidents/feed.ts';
import { IncidentView } from '#shared/incidents/model.ts';
import { RejectSuspendedMailBody, ReleaseSuspendedMailBody } from '#shared/mail/suspended.ts';
import { ConsentDecisionBody, RequestConsentBody } from '#shared/privacy/consent.ts';
import {
  ConsentViewSchema,
  PrivateAccessRecordSchema,
  PrivateDataMarker,
  RecordAccessBody,
} from '#shared/privacy/consent-service.ts';
import { PreviewRequest } from '#shared/sla/preview-request.ts';
import { SurveyAnswer } from '#shared/survey/page.ts';
import { AddBanBody, BanView } from '#shared/tickets/bans.ts';
import { AddMessageBody, CreateTicketBody, UpdateTicketBody } from '#shared/tickets/commands.ts';
import { CustomerMessageView, CustomerTicketView } from '#shared/tickets/customer-view.ts';
import { Message, Ticket, TicketWithMessages } from '#shared/tickets/model.ts';
import * as z from '#shared/validation/zod.ts';
import {
  AppealView,
  AttachmentView,
  AuditLogEntryView,
  DsarExportBundle,
  DsarView,
  KpiReportView,
  LegalHoldView,
  OpenApiDocumentView,
  OutboundMailView,
  QueueView,
  RetentionPreviewView,
  SlaCreditsView,
  SlaPreviewView,
  SurveyAnswerView,
  SuspendedMailView,
  TicketHistoryView,
  TicketSlaState,
  TicketSlaView,
} from './response-schemas.ts';

/**
 * The request and response contract of each route of functions/manifest/api-routes.ts, keyed by route
 * id: the zod schemas the handlers parse with, and the schemas of what they answer. `npm run openapi`
 * turns manifest + contract into docs/openapi.json (openapi-document.ts); the e2e contract check
 * validates every answer of the local stack against that document.
 */
export interface RouteContract {
  readonly body?: { readonly schema: z.ZodMiniType; readonly example: unknown };
  readonly query?: z.ZodMiniType;
  /** The route's success answer(s): status → what it carries. */
  readonly responses: Readonly<Record<number, ResponseContract>>;
  /** Statuses answered as problem+json beyond those every route of its kind may answer. */
  readonly problems?: readonly number[];
  /** Statuses that may also answer an HTML page (the survey link, opened in a browser or posted by its form). */
  readonly pages?: readonly number[];
  /** Request headers the route reads. */
  readonly headers?: readonly ('Idempotency-Key' | 'If-Match')[];
}

export interface ResponseContract {
  readonly description: string;
  /** A JSON body; `mediaType` bodies other than JSON are described by `format` only. */
  readonly schema?: z.ZodMiniType;
  readonly mediaType?: string;
}

const Page = (item: z.ZodMiniType) =>
  z.strictObject({ items: z.array(item), nextCursor: z.optional(z.string()) });

/** The survey link's signature (shared/survey/link.ts); a missing or wrong one gets 403. */
const SignedLinkQuery = z.strictObject({ sig: z.string().check(z.describe('the link’s HMAC signature')) });

/** What a caller gets for a ticket: the whole ticket (staff, apps) or the customer view. */
const TicketForCaller = z.union([Ticket, CustomerTicketView]);

/** A JSON answer: every one has a closed schema (test/unit/response-schemas.test.ts). */
const json = (description: string, schema: z.ZodMiniType): ResponseContract => ({
  description,
  schema,
});

export const API_CONTRACT: Readonly<Record<string, RouteContract>> = {
  ListSuspendedMail: {
    responses: {
      200: json('The desk’s suspended mail, newest first.', z.object({ items: z.array(SuspendedMailView) })),
    },
  },
  GetSuspendedMail: { responses: { 200: json('One suspended mail with its verdicts.', SuspendedMailView) } },
  ReleaseSuspendedMail: {
    body: { schema: ReleaseSuspendedMailBody, example: { ticketId: '01JABCDEFGHJKMNPQRSTVWXYZ0' } },
    responses: { 200: json('The released mail and the ticket it reached.', SuspendedMailView) },
    problems: [409],
  },
  RejectSuspendedMail: {
    body: { schema: RejectSuspendedMailBody, example: { reason: 'Phishing attempt' } },
    responses: { 200: json('The rejected mail.', SuspendedMailView) },
    problems: [409],
  },
  CreateTicket: {
    body: {
      schema: CreateTicketBody,
      example: { subject: 'Cannot log in', description: 'The sign-in page says my password expired.' },
    },
    headers: ['Idempotency-Key'],
    responses: { 201: json('The new ticket (customers get the customer view).', TicketForCaller) },
    problems: [409, 422],
  },
  GetTicket: {
    responses: {
      200: json(
        'The ticket with the messages the caller may see.',
        z.union([
          z.extend(TicketWithMessages, {
            privateData: z.optional(PrivateDataMarker),
            sla: z.optional(TicketSlaState),
            mail: z.optional(z.array(OutboundMailView)),
          }),
          z.extend(CustomerTicketView, { messages: z.array(CustomerMessageView) }),
        ]),
      ),
    },
  },
  ListTickets: {
    query: ListTicketsQuery,
    responses: { 200: json('One page of tickets.', Page(TicketForCaller)) },
  },
  AddMessage: {
    body: { schema: AddMessageBody, example: { body: 'Thanks, that fixed it.', visibility: 'public' } },
    headers: ['Idempotency-Key'],
    responses: {
      201: json(
        'The ticket after the message, and the message.',
        z.strictObject({
          ticket: TicketForCaller,
          messageId: z.string(),
          message: z.optional(z.union([Message, CustomerMessageView])),
        }),
      ),
    },
    problems: [409, 422],
  },
  UpdateTicket: {
    body: { schema: UpdateTicketBody, example: { status: 'pending', assignee: 'techflow-agent' } },
    headers: ['If-Match'],
    responses: { 200: json('The changed ticket.', Ticket) },
    problems: [409, 412, 422, 428],
  },
  GetTicketSla: {
    responses: { 200: json('Clocks, the metric event log and the workflow’s actions.', TicketSlaView) },
  },
  PreviewSla: {
    body: {
      schema: PreviewRequest,
      example: {
        desk: 'techflow',
        ticket: { priority: 'high', plan: 'business', channel: 'email', createdAt: '2026-03-02T09:00:00Z' },
      },
    },
    responses: { 200: json('Every deadline, warning and action, and what comes next.', SlaPreviewView) },
  },
  ListBans: { responses: { 200: json('The desk’s ban list.', z.strictObject({ items: z.array(BanView) })) } },
  AddBan: {
    body: { schema: AddBanBody, example: { email: '@spam.example', reason: 'Bulk spam' } },
    responses: { 201: json('The ban, normalised.', BanView) },
    problems: [409],
  },
  RemoveBan: { responses: { 204: { description: 'The ban is lifted.' } } },
  AddAttachment: {
    body: {
      schema: AddAttachmentBody,
      example: { filename: 'log.txt', contentType: 'text/plain', contentBase64: 'aGVsbG8K' },
    },
    responses: { 201: json('The stored file’s metadata.', AttachmentView) },
    problems: [409, 422],
  },
  CreateDsar: {
    body: { schema: CreateDsarBody, example: { kind: 'access' } },
    headers: ['Idempotency-Key'],
    responses: { 201: json('The request, awaiting verification, with its due date.', DsarView) },
    problems: [409, 422],
  },
  ListDsars: { query: ListDsarQuery, responses: { 200: json('One page of requests.', Page(DsarView)) } },
  GetDsar: { responses: { 200: json('One request.', DsarView) } },
  SendDsarCode: { responses: { 200: json('The request; a new code is mailed.', DsarView) }, problems: [409] },
  VerifyDsar: {
    body: { schema: VerificationBody, example: { code: '12345678' } },
    responses: { 200: json('The verified request.', DsarView) },
    problems: [409],
  },
  ExtendDsar: {
    body: { schema: ExtensionBody, example: { months: 2, reason: 'Large volume of records to collect' } },
    responses: { 200: json('The extended request.', DsarView) },
    problems: [409],
  },
  RejectDsar: {
    body: { schema: RejectionBody, example: { reason: 'Identity could not be established' } },
    responses: { 200: json('The closed request.', DsarView) },
    problems: [409],
  },
  ExportDsar: {
    responses: {
      201: json('The fulfilled request.', DsarView),
      202: json('The export is under way: `progress` shows tickets processed of total.', DsarView),
    },
    problems: [409],
  },
  DownloadDsarExport: {
    responses: { 200: json('The export bundle, as an attachment (`x-content-sha256`).', DsarExportBundle) },
    problems: [409],
  },
  EraseDsar: {
    responses: {
      200: json('The erased request and what was kept.', DsarView),
      202: json('The erasure is under way: `progress` shows tickets processed of total.', DsarView),
    },
    problems: [409],
  },
  CreateBillingAppeal: {
    body: {
      schema: CreateAppealBody,
      example: {
        summary: 'Charged twice in March',
        invoiceId: 'INV-1',
        amount: { value: 10, currency: 'USD' },
      },
    },
    responses: { 201: json('The appeal at its first stage, or answered by policy.', AppealView) },
    problems: [409, 422],
  },
  ListBillingAppeals: {
    query: ListAppealsQuery,
    responses: { 200: json('One page of appeals.', Page(AppealView)) },
  },
  GetBillingAppeal: { responses: { 200: json('One appeal.', AppealView) } },
  DecideBillingAppeal: {
    body: { schema: DecisionBody, example: { outcome: 'deny', note: 'The charge was correct.' } },
    responses: { 200: json('The decided appeal.', AppealView) },
    problems: [409, 422],
  },
  SendBillingAppealCode: {
    responses: { 200: json('The appeal; a new code is mailed.', AppealView) },
    problems: [409],
  },
  VerifyBillingAppeal: {
    body: {
      schema: VerificationBody,
      example: { attestation: { method: 'call-back', note: 'Called back on the number on file.' } },
    },
    responses: { 200: json('The appeal with its requester verified.', AppealView) },
    problems: [409],
  },
  SetLegalHold: {
    body: {
      schema: SetHoldBody,
      example: {
        requesterEmail: 'someone@example.com',
        reason: 'Litigation hold for case 42',
        reference: 'CASE-42',
      },
    },
    responses: { 201: json('The new hold.', LegalHoldView), 200: json('The renewed hold.', LegalHoldView) },
    problems: [409, 422],
  },
  ListLegalHolds: {
    query: ListHoldsQuery,
    responses: { 200: json('The desk’s holds.', Page(LegalHoldView)) },
  },
  ReleaseLegalHold: {
    body: { schema: ReleaseHoldBody, example: { reason: 'The case was settled.' } },
    responses: { 200: json('The released hold.', LegalHoldView) },
    problems: [409],
  },
  PreviewRetention: {
    body: { schema: PreviewBody, example: { limit: 100 } },
    responses: { 200: json('One page of the purge’s dry run.', RetentionPreviewView) },
  },
  ListComplianceAudit: {
    query: AuditQuery,
    responses: { 200: json('One page of the compliance audit log.', Page(AuditLogEntryView)) },
  },
  GetQueue: {
    query: QueueQuery,
    responses: {
      200: json(
        'One page of the desk’s queue across every open status, soonest checkpoint first; `nextCursor` continues.',
        QueueView,
      ),
    },
    problems: [404],
  },
  GetTicketHistory: {
    query: HistoryQuery,
    responses: { 200: json('The ticket’s workflow executions.', TicketHistoryView) },
  },
  GetKpis: {
    query: KpiQuery,
    responses: {
      200: json('Every KPI with its target and verdict, from the desk’s daily roll-ups.', KpiReportView),
    },
    problems: [404],
  },
  CreateIncident: {
    body: {
      schema: CreateIncidentBody,
      example: { title: 'Mail delays', impact: 'minor', message: 'We are investigating slow mail.' },
    },
    headers: ['Idempotency-Key'],
    responses: { 201: json('The new incident.', IncidentView) },
    problems: [409, 422],
  },
  ListIncidents: {
    query: ListIncidentsQuery,
    responses: {
      200: json(
        'Incidents, newest first.',
        z.strictObject({
          desk: z.string(),
          timeZone: z.string(),
          now: z.iso.datetime(),
          items: z.array(IncidentView),
        }),
      ),
    },
  },
  GetIncident: { responses: { 200: json('One incident with its review state.', IncidentView) } },
  UpdateIncident: {
    body: { schema: UpdateIncidentBody, example: { status: 'identified', message: 'A mail relay is slow.' } },
    headers: ['If-Match'],
    responses: { 200: json('The changed incident.', IncidentView) },
    problems: [409, 412, 422, 428],
  },
  RequestConsent: {
    body: {
      schema: RequestConsentBody,
      example: { scope: ['attachments'], reason: 'To read the error in the log file you attached.' },
    },
    responses: { 201: json('The consent request, mailed to the requester (see `mail`).', ConsentViewSchema) },
    problems: [409],
  },
  ListConsents: {
    responses: {
      200: json(
        'The ticket’s consents, newest first.',
        z.strictObject({ items: z.array(ConsentViewSchema) }),
      ),
    },
  },
  DecideConsent: {
    body: { schema: ConsentDecisionBody, example: { decision: 'grant' } },
    responses: { 200: json('The consent after the answer.', ConsentViewSchema) },
    problems: [409],
  },
  RecordPrivateAccess: {
    body: {
      schema: RecordAccessBody,
      example: { dataClass: 'screen-sharing', what: 'screen-sharing session to check the SSO settings' },
    },
    responses: { 201: json('The access record.', PrivateAccessRecordSchema) },
    problems: [409],
  },
  ListPrivateAccess: {
    responses: {
      200: json(
        'Every opening of the ticket’s private data, oldest first.',
        z.strictObject({ items: z.array(PrivateAccessRecordSchema) }),
      ),
    },
  },
  GetConsentPage: {
    query: z.extend(SignedLinkQuery, { decision: z.optional(z.enum(['grant', 'refuse'])) }),
    responses: { 200: { description: 'The consent question (or its outcome).', mediaType: 'text/html' } },
    pages: [403, 404, 410],
  },
  SubmitConsentPage: {
    query: z.extend(SignedLinkQuery, { decision: z.optional(z.enum(['grant', 'refuse'])) }),
    body: { schema: ConsentLinkAnswer, example: { decision: 'grant' } },
    responses: { 200: { description: 'The outcome page.', mediaType: 'text/html' } },
    pages: [403, 404, 410],
  },
  MarkReportableBreach: {
    body: { schema: MarkReportableBody, example: { awareAt: '2031-03-02T09:00:00Z' } },
    responses: { 200: json('The incident with its notification deadline.', IncidentView) },
    problems: [409],
  },
  RecordBreachNotification: {
    body: {
      schema: RecordNotificationBody,
      example: { recipient: 'authority', sentAt: '2031-03-03T15:00:00Z', reference: 'ICO case 2031-0042' },
    },
    responses: { 201: json('The incident with the notification recorded.', IncidentView) },
    problems: [409],
  },
  ListSlaCredits: {
    query: ListSlaCreditsQuery,
    responses: {
      200: json('The month’s report (null until computed) and account credits.', SlaCreditsView),
    },
    problems: [404],
  },
  GetSurvey: {
    query: SignedLinkQuery,
    responses: { 200: { description: 'The survey page.', mediaType: 'text/html' } },
    problems: [409],
    pages: [403, 404, 409],
  },
  SubmitSurvey: {
    query: SignedLinkQuery,
    body: { schema: SurveyAnswer, example: { csat: 5, nps: 9, comment: 'Quick and kind.' } },
    responses: {
      201: json('The recorded answer (JSON requests).', SurveyAnswerView),
      200: { description: 'The thank-you page (form posts).', mediaType: 'text/html' },
    },
    problems: [409],
    pages: [400, 403, 404, 409],
  },
  GetStatusJson: { responses: { 200: json('The desk’s status and incident history.', StatusFeed) } },
  GetStatusRss: {
    responses: {
      200: { description: 'RSS 2.0, one item per public update.', mediaType: 'application/rss+xml' },
    },
  },
  GetOpenApi: { responses: { 200: json('This document (OpenAPI 3.1).', OpenApiDocumentView) } },
};

/** The expected shape of each path parameter, by route path prefix and name (shared/http/request.ts). */
export function pathParameterShape(path: string, name: string): PathParameterShape {
  if (name === 'desk') return PathParameter.desk;
  if (name === 'email') return PathParameter.banTarget;
  if (path.startsWith('/mail/suspended/')) return PathParameter.mailKey;
  if (path.startsWith('/legal-holds/')) return PathParameter.legalHold;
  return PathParameter.ulid;
}
