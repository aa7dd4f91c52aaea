import type { Route } from './api-gateway.ts';

/** The API's routes and the handler module behind each, as infra/ wires them on API Gateway. */
export const apiRoutes: Route[] = [
  {
    method: 'POST',
    path: '/tickets',
    functionName: 'create-ticket',
    load: () => import('#functions/tickets/create-ticket.ts'),
  },
  {
    method: 'GET',
    path: '/tickets',
    functionName: 'list-tickets',
    load: () => import('#functions/tickets/list-tickets.ts'),
  },
  {
    method: 'GET',
    path: '/tickets/{id}',
    functionName: 'get-ticket',
    load: () => import('#functions/tickets/get-ticket.ts'),
  },
  {
    method: 'PATCH',
    path: '/tickets/{id}',
    functionName: 'update-ticket',
    load: () => import('#functions/tickets/update-ticket.ts'),
  },
  {
    method: 'POST',
    path: '/tickets/{id}/messages',
    functionName: 'add-message',
    load: () => import('#functions/tickets/add-message.ts'),
  },
  {
    method: 'GET',
    path: '/tickets/{id}/sla',
    functionName: 'get-ticket-sla',
    load: () => import('#functions/tickets/get-ticket-sla.ts'),
  },
  {
    method: 'POST',
    path: '/sla/preview',
    functionName: 'preview-sla',
    load: () => import('#functions/sla/preview-sla.ts'),
  },
  // Ban list (RareLogic: abusive or fraudulent requesters are banned from support).
  { method: 'GET', path: '/bans', functionName: 'list-bans', load: () => import('#functions/bans/list-bans.ts') },
  { method: 'POST', path: '/bans', functionName: 'add-ban', load: () => import('#functions/bans/add-ban.ts') },
  {
    method: 'DELETE',
    path: '/bans/{email}',
    functionName: 'remove-ban',
    load: () => import('#functions/bans/remove-ban.ts'),
  },
  // Ops console (issue 9): queue, execution histories, KPIs, incidents.
  {
    method: 'GET',
    path: '/queue',
    functionName: 'get-queue',
    load: () => import('#functions/ops/get-queue.ts'),
  },
  {
    method: 'GET',
    path: '/tickets/{id}/history',
    functionName: 'get-ticket-history',
    load: () => import('#functions/ops/get-ticket-history.ts'),
  },
  {
    method: 'GET',
    path: '/kpis',
    functionName: 'get-kpis',
    load: () => import('#functions/kpis/get-kpis.ts'),
  },
  {
    method: 'POST',
    path: '/incidents',
    functionName: 'create-incident',
    load: () => import('#functions/incidents/create-incident.ts'),
  },
  {
    method: 'GET',
    path: '/incidents',
    functionName: 'list-incidents',
    load: () => import('#functions/incidents/list-incidents.ts'),
  },
  {
    method: 'GET',
    path: '/incidents/{id}',
    functionName: 'get-incident',
    load: () => import('#functions/incidents/get-incident.ts'),
  },
  {
    method: 'PATCH',
    path: '/incidents/{id}',
    functionName: 'update-incident',
    load: () => import('#functions/incidents/update-incident.ts'),
  },
  // Public routes: no token. Each names how it is protected instead (see infra PUBLIC_ROUTES).
  {
    method: 'GET',
    path: '/desks/{desk}/status.json',
    functionName: 'get-status-json',
    access: 'public-read',
    load: () => import('#functions/status/get-status-json.ts'),
  },
  {
    method: 'GET',
    path: '/desks/{desk}/status.rss',
    functionName: 'get-status-rss',
    access: 'public-read',
    load: () => import('#functions/status/get-status-rss.ts'),
  },
  {
    method: 'GET',
    path: '/survey/{desk}/{ticketId}',
    functionName: 'get-survey',
    access: 'signed-link',
    load: () => import('#functions/survey/get-survey.ts'),
  },
  {
    method: 'POST',
    path: '/survey/{desk}/{ticketId}',
    functionName: 'submit-survey',
    access: 'signed-link',
    load: () => import('#functions/survey/submit-survey.ts'),
  },
];
