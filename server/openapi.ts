// The OpenAPI document, with request bodies generated from the same zod schemas that validate.
import { z } from 'zod';
import { newOrder, orderPatch } from './routes/manager.js';
import { customsBody, milestoneBody } from './routes/mp.js';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const json = (s: z.ZodType) => ({ required: true, content: { 'application/json': { schema: schema(s) } } });
const ok = { '200': { description: 'OK' } };
const errors = { '400': { $ref: '#/components/responses/Error' }, '401': { $ref: '#/components/responses/Error' }, '404': { $ref: '#/components/responses/Error' } };
const idem = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 8, maxLength: 128 } };

export function openApiDocument() {
  const supplier = [{ supplierToken: [] }];
  const manager = [{ managerToken: [] }];
  return {
    openapi: '3.1.0',
    info: { title: 'Gendan API', version: '0.1.0', description: 'Supplier (mini-program) and manager endpoints of Gendan.' },
    components: {
      securitySchemes: {
        supplierToken: { type: 'http', scheme: 'bearer', description: 'from POST /api/mp/login or /api/mp/bind' },
        managerToken: { type: 'http', scheme: 'bearer', description: 'manager token (scripts/issue-token.ts)' },
      },
      responses: {
        Error: {
          description: 'Error envelope',
          content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} }, required: ['code', 'message'] } } } } },
        },
      },
    },
    paths: {
      '/healthz': { get: { summary: 'Database and bot state', responses: ok } },
      '/api/mp/login': { post: { summary: 'wx.login code → session token', requestBody: json(z.object({ code: z.string() })), responses: { ...ok, ...errors, '429': { $ref: '#/components/responses/Error' }, '503': { $ref: '#/components/responses/Error' } } } },
      '/api/mp/bind': { post: { summary: 'Redeem a binding code', security: supplier, requestBody: json(z.object({ code: z.string() })), responses: { ...ok, ...errors, '409': { $ref: '#/components/responses/Error' } } } },
      '/api/mp/orders': { get: { summary: 'My open orders (50 a page)', security: supplier, parameters: [{ name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } }], responses: { ...ok, ...errors } } },
      '/api/mp/orders/{id}': { get: { summary: 'Order detail', security: supplier, responses: { ...ok, ...errors } } },
      '/api/mp/orders/{id}/milestones/{milestone}': { post: { summary: 'Update a milestone', security: supplier, parameters: [idem], requestBody: json(milestoneBody), responses: { ...ok, ...errors, '409': { $ref: '#/components/responses/Error' } } } },
      '/api/mp/orders/{id}/milestones/{milestone}/photos': { post: { summary: 'Upload a photo (multipart field "photo": JPEG, PNG or WebP)', security: supplier, parameters: [idem], responses: { '201': { description: 'Created' }, ...errors, '413': { $ref: '#/components/responses/Error' } } } },
      '/api/mp/orders/{id}/customs': { post: { summary: 'Report a customs issue', security: supplier, parameters: [idem], requestBody: json(customsBody), responses: { ...ok, ...errors } } },
      '/api/suppliers': { get: { summary: 'Suppliers', security: manager, responses: ok } },
      '/api/suppliers/{code}': { get: { summary: 'Supplier card', security: manager, responses: { ...ok, ...errors } } },
      '/api/suppliers/{code}/binding-codes': { post: { summary: 'Issue a mini-program binding code', security: manager, responses: { '201': { description: 'Created' }, ...errors } } },
      '/api/threads': { get: { summary: 'Threads, latest first', security: manager, responses: ok } },
      '/api/threads/{id}/messages': { get: { summary: 'Messages with translations', security: manager, responses: { ...ok, ...errors } } },
      '/api/orders': {
        get: { summary: 'Orders', security: manager, responses: ok },
        post: { summary: 'Create an order', security: manager, requestBody: json(newOrder), responses: { '201': { description: 'Created' }, ...errors, '409': { $ref: '#/components/responses/Error' } } },
      },
      '/api/orders/overdue': { get: { summary: 'Overdue orders', security: manager, responses: ok } },
      '/api/orders/{id}': {
        get: { summary: 'Order', security: manager, responses: { ...ok, ...errors } },
        patch: { summary: 'Change an order', security: manager, requestBody: json(orderPatch), responses: { ...ok, ...errors } },
        delete: { summary: 'Close an order', security: manager, responses: { ...ok, ...errors } },
      },
      '/api/orders/{id}/history': { get: { summary: 'Change history', security: manager, responses: { ...ok, ...errors } } },
      '/api/orders/{id}/milestones/{milestone}': { post: { summary: 'Change a milestone', security: manager, parameters: [idem], requestBody: json(milestoneBody), responses: { ...ok, ...errors } } },
      '/api/orders/{id}/customs': { post: { summary: 'Record a customs delay', security: manager, parameters: [idem], requestBody: json(customsBody), responses: { ...ok, ...errors } } },
      '/api/contacts/{id}': { put: { summary: "Set a contact's time zone and role", security: manager, responses: { ...ok, ...errors } } },
      '/api/claims': {
        get: { summary: 'Claims (?supplier, ?status, ?order)', security: manager, responses: ok },
        post: { summary: 'File a claim (sent to the supplier in Chinese unless send: false)', security: manager, responses: { '201': { description: 'Created' }, ...errors } },
      },
      '/api/claims/{id}': { get: { summary: 'Claim with its history', security: manager, responses: { ...ok, ...errors } } },
      '/api/claims/{id}/transitions': { post: { summary: 'Move a claim (409 when the table forbids it or someone moved it first)', security: manager, responses: { ...ok, ...errors, '409': { $ref: '#/components/responses/Error' } } } },
      '/api/claims/{id}/photos': { post: { summary: "Add a buyer's photo to an open claim (multipart field \"photo\"; Idempotency-Key: a re-sent upload is stored once)", security: manager, parameters: [idem], responses: { '201': { description: 'Created' }, ...ok, ...errors } } },
      '/api/claims/{id}/photos/{photoId}': { get: { summary: 'A photo of the claim (bytes; a linked photo redirects)', security: manager, responses: { ...ok, ...errors } } },
      '/api/mp/claims': { get: { summary: 'My claims (drafts are not shown)', security: supplier, responses: ok } },
      '/api/mp/claims/{id}': { get: { summary: 'One of my claims, described in Chinese', security: supplier, responses: { ...ok, ...errors } } },
      '/api/mp/claims/{id}/photos': { post: { summary: 'Add a photo to my answer (multipart field "photo"; Idempotency-Key: a re-sent upload is stored once)', security: supplier, parameters: [idem], responses: { '201': { description: 'Created' }, ...ok, ...errors } } },
      '/api/mp/claims/{id}/photos/{photoId}': { get: { summary: "A photo of one of my claims (the buyer's or mine)", security: supplier, responses: { ...ok, ...errors } } },
      '/api/mp/claims/{id}/answer': { post: { summary: 'Accept or dispute a claim', security: supplier, responses: { ...ok, ...errors, '409': { $ref: '#/components/responses/Error' } } } },
      '/api/suppliers/{code}/scorecard': { get: { summary: 'Scorecard of a month (?period=YYYY-MM)', security: manager, responses: { ...ok, ...errors } } },
      '/api/suppliers/{code}/scorecards': { get: { summary: 'Scorecards of the last N months (?months, ?until)', security: manager, responses: { ...ok, ...errors } } },
      '/api/suppliers/{code}/segment': { put: { summary: 'Set the segment (recorded in the history)', security: manager, responses: { ...ok, ...errors } } },
      '/api/suppliers/{code}/segment-history': { get: { summary: 'Segment changes', security: manager, responses: { ...ok, ...errors } } },
      '/api/suppliers/{code}/routing': { put: { summary: 'Responsible and backup manager', security: manager, responses: { ...ok, ...errors } } },
      '/api/segment-proposals': { get: { summary: 'Open segment proposals', security: manager, responses: ok } },
      '/api/segment-proposals/{id}/{decision}': { post: { summary: 'Accept or reject a proposal', security: manager, responses: { ...ok, ...errors } } },
      '/api/managers/ranking': { get: { summary: 'Manager benchmark of a month', security: manager, responses: ok } },
      '/api/reports': { get: { summary: 'Report of a period (?period, ?date | ?from&to, ?currency, ?format=json|csv|xlsx|pdf, ?manager)', security: manager, responses: { ...ok, ...errors } } },
      '/api/rates': {
        get: { summary: 'Exchange rates (?from&to)', security: manager, responses: ok },
        put: { summary: 'Set a rate of a day (admin)', security: manager, responses: { '204': { description: 'Saved' }, ...errors } },
      },
      '/api/rates/import': { post: { summary: 'Import rates from CSV date,from,to,rate (admin; all or nothing)', security: manager, responses: { ...ok, ...errors } } },
      '/api/prices': { get: { summary: 'Price history of an item (?item | ?sku, ?supplier)', security: manager, responses: { ...ok, ...errors } } },
      '/api/prices/compare': { get: { summary: "Suppliers' latest prices of an item in one currency", security: manager, responses: { ...ok, ...errors } } },
      '/api/console/session': {
        get: { summary: 'The console session (cookie) and its CSRF token', responses: { ...ok, '401': { $ref: '#/components/responses/Error' } } },
        post: { summary: 'Sign in (sets the httpOnly session cookie)', responses: { ...ok, '401': { $ref: '#/components/responses/Error' }, '429': { $ref: '#/components/responses/Error' } } },
        delete: { summary: 'Sign out', responses: { '204': { description: 'Signed out' } } },
      },
      '/api/console/inbox': { get: { summary: 'Threads for the console (?mine, ?segment, ?overdue, ?needsReply, ?page)', responses: ok } },
      '/api/console/search': { get: { summary: 'Search original and translated text (?q)', responses: ok } },
      '/api/console/threads/{id}/messages': { get: { summary: 'Thread page with translations and the outbox (?before | ?after, ?limit)', responses: { ...ok, ...errors } } },
      '/api/console/threads/{id}/replies': { post: { summary: 'Reply through the outbox (Chinese from the text, or zh as given)', parameters: [idem], responses: { '202': { description: 'Queued' }, ...errors } } },
      '/api/console/events': { get: { summary: 'Live updates (text/event-stream, event: thread)', responses: ok } },
    },
  };
}
