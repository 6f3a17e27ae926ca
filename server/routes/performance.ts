// Supplier performance in the manager API (bearer token or console cookie): scorecards and their
// history (for charts), segments with history and proposals, routing (responsible + backup
// manager), the manager ranking. Suppliers are reached through shared/access.
import { z } from 'zod';
import { decideProposal, localTime, managerRanking, openProposals, periodOf, proposalFor, scorecardHistory, segmentHistory, setSegment, supplierScorecard } from '../../shared/performance/index.js';
import { msg, NotFoundError } from '../../shared/errors/index.js';
import { displayCodes, SEGMENTS, setRouting, supplierFor } from '../../shared/suppliers/index.js';
import * as c from '../contract.js';
import { managerOf, route, type AnyRoute, type RouteDeps } from '../http/route.js';
import { codeParams, month, objectId, text } from '../validation.js';

const when = z.union([z.string(), z.date()]);

export function performanceRoutes({ config, clock }: RouteDeps): AnyRoute[] {
  const tag = 'performance';
  const { weights } = config.performance;
  const by = (req: { viewer: unknown }) => `manager:${managerOf(req).id}`;
  return [
    route({
      method: 'get',
      path: '/api/suppliers/:code/scorecard',
      tag,
      access: 'manager',
      summary: "A supplier's scorecard for a month",
      params: codeParams,
      query: z.object({ period: month.optional() }).strict(),
      responses: {
        200: { description: 'The scorecard', schema: c.scorecard.extend({ code: z.string(), name: z.string(), segment: z.string(), timezone: z.string().nullish(), localTime: z.unknown() }) },
      },
      handle: async (req) => {
        const s = await supplierFor(managerOf(req), req.params.code);
        const now = clock();
        return {
          code: s.code,
          name: s.name,
          segment: s.segment,
          timezone: s.timezone,
          localTime: localTime(s.timezone, now),
          ...(await supplierScorecard(s._id, req.query.period ?? periodOf(now), weights)),
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/suppliers/:code/scorecards',
      tag,
      access: 'manager',
      summary: 'Scorecards of the last N months, oldest first',
      params: codeParams,
      query: z.object({ months: z.coerce.number().int().min(1).max(36).default(6), until: month.optional() }).strict(),
      responses: { 200: { description: 'Scorecards', schema: z.object({ code: z.string(), items: z.array(c.scorecard) }) } },
      handle: async (req) => {
        const s = await supplierFor(managerOf(req), req.params.code);
        return { code: s.code, items: await scorecardHistory(s._id, req.query.months, req.query.until ?? periodOf(clock()), weights) };
      },
    }),
    route({
      method: 'put',
      path: '/api/suppliers/:code/segment',
      tag,
      access: 'manager',
      summary: "Set a supplier's segment",
      params: codeParams,
      body: z.object({ segment: z.enum(SEGMENTS), reason: text(500).optional() }).strict(),
      responses: { 200: { description: 'The segment and whether it changed', schema: z.object({ code: z.string(), segment: z.enum(SEGMENTS), changed: z.boolean() }) } },
      handle: async (req) => {
        const s = await supplierFor(managerOf(req), req.params.code);
        return { code: s.code, segment: req.body.segment, changed: await setSegment(s._id, req.body.segment, by(req), req.body.reason, clock()) };
      },
    }),
    route({
      method: 'get',
      path: '/api/suppliers/:code/segment-history',
      tag,
      access: 'manager',
      summary: 'Segment changes, newest first',
      params: codeParams,
      responses: { 200: { description: 'Changes', schema: c.list(z.object({ from: z.string().nullable(), to: z.string(), by: z.string(), at: when, reason: z.string().nullable() })) } },
      handle: async (req) => ({ items: await segmentHistory((await supplierFor(managerOf(req), req.params.code))._id) }),
    }),
    route({
      method: 'put',
      path: '/api/suppliers/:code/routing',
      tag,
      access: 'manager',
      summary: 'Responsible and backup manager of a supplier (null removes)',
      params: codeParams,
      body: z.object({ managerId: objectId.nullable().optional(), backupManagerId: objectId.nullable().optional() }).strict(),
      responses: { 200: { description: 'The routing', schema: z.object({ code: z.string(), managerId: z.string().nullable(), backupManagerId: z.string().nullable() }) } },
      handle: async (req) => {
        const s = await supplierFor(managerOf(req), req.params.code);
        return { code: s.code, ...(await setRouting(s._id, req.body)) };
      },
    }),
    route({
      method: 'get',
      path: '/api/segment-proposals',
      tag,
      access: 'manager',
      summary: 'Open segment proposals for my suppliers',
      responses: {
        200: { description: 'Proposals', schema: c.list(c.segmentProposalView) },
      },
      handle: async (req) => {
        const items = await openProposals(managerOf(req));
        const shown = await displayCodes(items.map((p) => p.code));
        return { items: items.map((p) => ({ ...p, shownCode: shown.get(p.code) ?? p.code })) };
      },
    }),
    route({
      method: 'post',
      path: '/api/segment-proposals/:id/:decision',
      tag,
      access: 'manager',
      summary: 'Accept or reject a segment proposal',
      params: z.object({ id: objectId, decision: z.enum(['accept', 'reject']) }).strict(),
      responses: { 200: { description: 'The decision', schema: z.object({ id: z.string(), status: z.string() }) } },
      handle: async (req) => {
        await proposalFor(managerOf(req), req.params.id);
        const d = await decideProposal(req.params.id, req.params.decision === 'accept', by(req), clock());
        if (!d) throw new NotFoundError(msg('noOpenProposal'));
        return { id: req.params.id, status: d.status };
      },
    }),
    route({
      method: 'get',
      path: '/api/managers/ranking',
      tag,
      access: 'manager',
      summary: 'Managers compared for a month',
      query: z.object({ period: month.optional() }).strict(),
      responses: { 200: { description: 'The ranking', schema: c.managerRanking } },
      handle: async (req): Promise<c.ManagerRankingView> => {
        const now = clock();
        const period = req.query.period ?? periodOf(now);
        return { period, items: await managerRanking(period, now) };
      },
    }),
  ];
}
