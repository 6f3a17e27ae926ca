// Supplier performance in the manager API (bearer token or console cookie): scorecards and their
// history (for charts), segments with history and proposals, routing (responsible + backup
// manager), the manager ranking.
import Router from '@koa/router';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Config } from '../../shared/config/index.js';
import { NotFoundError, ValidationError } from '../../shared/errors/index.js';
import { Manager } from '../../shared/managers/model.js';
import {
  SegmentChange, SegmentProposal, SupplierKpi, decideProposal, localTime, managerRanking, periodOf, previousPeriod, scorecardOf, setSegment, type SupplierKpiDoc,
} from '../../shared/performance/index.js';
import { SEGMENTS, Supplier, normaliseCode, type SupplierDoc } from '../../shared/suppliers/index.js';
import { requireManager, type AppState } from '../auth.js';
import { body, objectId, params, query, text } from '../validation.js';

const code = z.string().trim().regex(/^[A-Za-z0-9]{2,6}$/, 'a supplier code such as D12 or 001');
const period = z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');

async function supplierByCode(c: string): Promise<SupplierDoc> {
  const s = await Supplier.findOne({ code: normaliseCode(c) }).lean<SupplierDoc>();
  if (!s) throw new NotFoundError(`no supplier with code ${c}`);
  return s;
}

export function performanceRoutes(config: Config, clock: () => Date): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api' });
  r.use(requireManager(config));
  const by = (ctx: { state: AppState }) => `manager:${ctx.state.manager!.managerId}`;

  r.get('/suppliers/:code/scorecard', async (ctx) => {
    const p = params(ctx, z.object({ code }).strict());
    const q = query(ctx, z.object({ period: period.optional() }).strict());
    const s = await supplierByCode(p.code);
    const docs = await SupplierKpi.find({ supplierId: s._id }).lean<SupplierKpiDoc[]>();
    const now = clock();
    ctx.body = { code: s.code, name: s.name, segment: s.segment, timezone: s.timezone, localTime: localTime(s.timezone, now), ...scorecardOf(String(s._id), q.period ?? periodOf(now), docs, config.performance.weights) };
  });

  // Scorecards of the last N months, oldest first (the console's charts).
  r.get('/suppliers/:code/scorecards', async (ctx) => {
    const p = params(ctx, z.object({ code }).strict());
    const q = query(ctx, z.object({ months: z.coerce.number().int().min(1).max(36).default(6), until: period.optional() }).strict());
    const s = await supplierByCode(p.code);
    const docs = await SupplierKpi.find({ supplierId: s._id }).lean<SupplierKpiDoc[]>();
    const periods: string[] = [];
    for (let x = q.until ?? periodOf(clock()); periods.length < q.months; x = previousPeriod(x)) periods.unshift(x);
    ctx.body = { code: s.code, items: periods.map((pp) => scorecardOf(String(s._id), pp, docs, config.performance.weights)) };
  });

  r.put('/suppliers/:code/segment', async (ctx) => {
    const p = params(ctx, z.object({ code }).strict());
    const b = body(ctx, z.object({ segment: z.enum(SEGMENTS), reason: text(500).optional() }).strict());
    const s = await supplierByCode(p.code);
    const changed = await setSegment(s._id, b.segment, by(ctx), b.reason, clock());
    ctx.body = { code: s.code, segment: b.segment, changed };
  });

  r.get('/suppliers/:code/segment-history', async (ctx) => {
    const p = params(ctx, z.object({ code }).strict());
    const s = await supplierByCode(p.code);
    const items = await SegmentChange.find({ supplierId: s._id }).sort({ at: -1 }).limit(100).lean();
    ctx.body = { items: items.map((i) => ({ from: i.from ?? null, to: i.to, by: i.by, at: i.at, reason: i.reason ?? null })) };
  });

  r.put('/suppliers/:code/routing', async (ctx) => {
    const p = params(ctx, z.object({ code }).strict());
    const b = body(ctx, z.object({ managerId: objectId.nullable().optional(), backupManagerId: objectId.nullable().optional() }).strict());
    const s = await supplierByCode(p.code);
    for (const id of [b.managerId, b.backupManagerId]) {
      if (id && !(await Manager.exists({ _id: id, active: { $ne: false } }))) throw new ValidationError(`no active manager ${id}`, [{ field: 'managerId', message: 'unknown manager' }]);
    }
    if (b.managerId && b.managerId === b.backupManagerId) throw new ValidationError('the backup must be another manager', [{ field: 'backupManagerId', message: 'same as the responsible manager' }]);
    const set: Record<string, unknown> = {};
    const unset: Record<string, 1> = {};
    for (const k of ['managerId', 'backupManagerId'] as const) {
      if (b[k] === undefined) continue;
      if (b[k] === null) unset[k] = 1;
      else set[k] = new Types.ObjectId(b[k]!);
    }
    await Supplier.updateOne({ _id: s._id }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
    const after = (await Supplier.findOne({ _id: s._id }, { managerId: 1, backupManagerId: 1 }).lean<SupplierDoc>())!;
    ctx.body = { code: s.code, managerId: after.managerId ? String(after.managerId) : null, backupManagerId: after.backupManagerId ? String(after.backupManagerId) : null };
  });

  r.get('/segment-proposals', async (ctx) => {
    const items = await SegmentProposal.find({ status: 'open' }).sort({ at: -1 }).limit(200).lean();
    ctx.body = { items: items.map((i) => ({ id: String(i._id), code: i.supplierCode, proposed: i.proposed, reason: i.reason, at: i.at })) };
  });

  r.post('/segment-proposals/:id/:decision', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId, decision: z.enum(['accept', 'reject']) }).strict());
    const d = await decideProposal(p.id, p.decision === 'accept', by(ctx), clock());
    if (!d) throw new NotFoundError('no open proposal with that id');
    ctx.body = { id: p.id, status: d.status };
  });

  r.get('/managers/ranking', async (ctx) => {
    const q = query(ctx, z.object({ period: period.optional() }).strict());
    const now = clock();
    ctx.body = { period: q.period ?? periodOf(now), items: await managerRanking(q.period ?? periodOf(now), now) };
  });

  return r;
}
