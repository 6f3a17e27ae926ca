// Factories for API tests: managers with tokens, suppliers with bound mini-program sessions,
// orders. Everything goes through the domain functions and the real database.
import { createApp } from '../../server/app.js';
import type { Config } from '../../shared/config/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { MpBinding, managerToken, signToken } from '../../shared/auth/index.js';
import { Manager } from '../../shared/managers/model.js';
import { createOrder, MILESTONES, type MilestoneName } from '../../shared/orders/index.js';
import { createSupplier } from '../../shared/suppliers/index.js';

export function testConfig(extra: Record<string, string> = {}): Config {
  return loadConfig({ SESSION_SECRET: 'test-secret-0123456789-0123456789-abcdef', DATA_DIR: '/tmp/gendan-test-uploads', ...extra });
}

/** A manager with a bearer token; sees every supplier unless `seesAll: false` (then only those they are responsible for or back up). */
export async function makeManager(config: Config, over: { name?: string; role?: 'admin' | 'head' | 'manager'; language?: 'en' | 'ru' | 'az'; wechatId?: string; seesAll?: boolean } = {}) {
  const m = await Manager.create({ name: over.name ?? 'Anna', role: over.role ?? 'manager', language: over.language ?? 'en', wechatId: over.wechatId, seesAll: over.seesAll ?? true });
  return { manager: m.toObject(), token: await managerToken(config, String(m._id)) };
}

let supplierSeq = 0;
export async function makeSupplierSession(config: Config, name = `工厂${++supplierSeq}`) {
  const supplier = await createSupplier({ name });
  const openid = `openid-${supplier.code}-${Math.random().toString(36).slice(2)}`;
  await MpBinding.create({ openid, supplierId: supplier._id, at: new Date() });
  const token = await signToken(config, { role: 'supplier', openid, supplierId: String(supplier._id), ver: 1 });
  return { supplier, openid, token };
}

export function plannedChain(start: Date, stepDays = 7): Partial<Record<MilestoneName, Date>> {
  return Object.fromEntries(MILESTONES.map((m, i) => [m, new Date(start.getTime() + i * stepDays * 86_400_000)]));
}

let poSeq = 0;
export async function makeOrder(supplierCode: string, over: { number?: string; planned?: Partial<Record<MilestoneName, Date>>; managerId?: string } = {}) {
  return createOrder(
    {
      number: over.number ?? `PO-T-${++poSeq}-${Math.random().toString(36).slice(2, 6)}`,
      supplierCode,
      managerId: over.managerId,
      lines: [{ item: 'Motor 220V', qty: 500, unitPrice: '12.50', currency: 'USD' }],
      planned: over.planned ?? plannedChain(new Date('2026-11-01T00:00:00Z')),
    },
    'test',
  );
}

/** The real app on a free loopback port (tests that speak HTTP with fetch, streams included). */
export async function listenApp(config: Config): Promise<{ base: string; close(): Promise<void> }> {
  const server = createApp({ config }).listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const { port } = server.address() as { port: number };
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}
