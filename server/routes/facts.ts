// Chat to facts in the manager API: the proposals beside a thread's messages, an order's
// proposals (with its shipping references and the factory closures that flag its due dates),
// and the console's two buttons (apply / drop). Thin: parse, call shared/facts, render.
import { z } from 'zod';
import { decideById, factsOfOrder, proposalsOfThread } from '../../shared/facts/index.js';
import { MILESTONES } from '../../shared/orders/index.js';
import * as c from '../contract.js';
import { errorLangOf } from '../errors.js';
import { managerOf, Reply, route, type AnyRoute, type RouteDeps } from '../http/route.js';
import { idParams } from '../validation.js';

const tag = 'facts';

export function factRoutes({ clock }: RouteDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/console/threads/:id/proposals',
      tag,
      access: 'manager',
      summary: "Proposals read from a thread's supplier messages (shown beside each message)",
      params: idParams,
      responses: { 200: { description: 'The proposals, oldest first', schema: c.proposalList } },
      errors: [404],
      // The doubts in the reader's language (as the error texts: the console's, else the manager's).
      handle: async (req, ctx) => new Reply(200, { items: await proposalsOfThread(managerOf(req), req.params.id, errorLangOf(ctx)) }),
    }),
    route({
      method: 'get',
      path: '/api/orders/:id/facts',
      tag,
      access: 'manager',
      summary: "An order's proposals from the supplier's chat, its tracking/container/B/L numbers, and due dates inside a factory closure",
      params: idParams,
      responses: { 200: { description: 'The order facts', schema: c.orderFacts } },
      errors: [404],
      handle: async (req, ctx) => new Reply(200, await factsOfOrder(managerOf(req), req.params.id, errorLangOf(ctx))),
    }),
    route({
      method: 'post',
      path: '/api/proposals/:id/decision',
      tag,
      access: 'manager',
      summary: 'Apply (ok) or drop (no) a proposal; ok may name the order (a PO of the same supplier) and the milestone when the message did not',
      params: idParams,
      body: z
        .object({
          decision: z.enum(['ok', 'no']),
          po: z.string().trim().min(1).max(64).optional(),
          milestone: z.enum(MILESTONES).optional(),
        })
        .strict(),
      responses: { 200: { description: 'The proposal as decided and what was done', schema: c.proposalDecision } },
      errors: [404, 409],
      handle: async (req, ctx) => new Reply(200, await decideById(managerOf(req), req.params.id, req.body, clock(), errorLangOf(ctx))),
    }),
  ];
}
