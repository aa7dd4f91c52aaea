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
];
