// A contract fuzzer over /openapi.json: for every operation, requests generated from its own
// schemas (json-schema-faker, several seeds) and requests its schemas forbid (wrong types,
// unknown keys, operator-shaped values, missing required fields), sent by an admin. No answer
// may be a 5xx (an unconfigured integration may say 503), every status must be one the
// document lists for that operation, and nothing the schema forbids may be accepted (2xx).
import { expect } from 'chai';
import { generate } from 'json-schema-faker';
import { makeManager, makeOrder, makeSupplierSession, testConfig, listenApp } from '../support/api.js';

type Schema = Record<string, unknown> & { type?: string; properties?: Record<string, Schema>; required?: string[]; $ref?: string };
interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
}

describe('contract fuzzer over /openapi.json', function () {
  this.timeout(300_000);
  let app: Awaited<ReturnType<typeof listenApp>>;
  let base: string;
  const config = testConfig();

  before(async () => {
    app = await listenApp(config);
    base = app.base;
  });
  after(() => app.close());

  it('finds no 5xx, no undocumented status and no accepted request the schema forbids', async () => {
    const admin = await makeManager(config, { role: 'admin', name: 'Fuzz Admin' });
    const supplier = await makeSupplierSession(config);
    await makeOrder(supplier.supplier.code);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
    const deref = (s: Schema): Schema => (s.$ref ? deref(doc.components.schemas[s.$ref.split('/').pop()!]!) : s);
    const resolve = (s: Schema): Schema => JSON.parse(JSON.stringify(s, (_k, v) => (v && typeof v === 'object' && '$ref' in v ? deref(v) : v)));

    const send = async (method: string, path: string, op: Operation, input: { path: Record<string, unknown>; query: Record<string, unknown>; headers: Record<string, string>; body?: unknown }) => {
      const supplierOp = op.security?.some((s) => 'supplierToken' in s);
      let url = path.replace(/\{(\w+)\}/g, (_m, n: string) => encodeURIComponent(String(input.path[n] ?? 'x')));
      const qs = new URLSearchParams(
        Object.entries(input.query)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]): [string, string] => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
      );
      if ([...qs].length) url += `?${qs}`;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 20_000);
      try {
        const res = await fetch(base + url, {
          method: method.toUpperCase(),
          headers: { Authorization: `Bearer ${supplierOp ? supplier.token : admin.token}`, ...input.headers, ...(input.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
          body: input.body !== undefined ? JSON.stringify(input.body) : undefined,
          redirect: 'manual',
          signal: ac.signal,
        }).catch((err: Error) => {
          throw new Error(`${method.toUpperCase()} ${url}: ${err.message} (${(err.cause as Error | undefined)?.message ?? 'no cause'})`, { cause: err });
        });
        const text = (res.headers.get('content-type') ?? '').includes('event-stream') ? '' : await res.text();
        ac.abort();
        return { status: res.status, text };
      } finally {
        clearTimeout(timer);
      }
    };

    const problems: string[] = [];
    let requests = 0;
    const statuses: Record<number, number> = {};
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const params = op.parameters ?? [];
        const bodySchema = op.requestBody?.content['application/json']?.schema;
        const documented = new Set(Object.keys(op.responses));
        const check = (what: string, got: { status: number; text: string }, forbidden: boolean) => {
          requests++;
          statuses[got.status] = (statuses[got.status] ?? 0) + 1;
          const where = `${method.toUpperCase()} ${path} (${what})`;
          if (got.status >= 500 && got.status !== 503) problems.push(`${where}: ${got.status} ${got.text.slice(0, 200)}`);
          if (!documented.has(String(got.status))) problems.push(`${where}: undocumented status ${got.status} ${got.text.slice(0, 120)}`);
          if (forbidden && got.status < 300) problems.push(`${where}: accepted a request the schema forbids (${got.status})`);
        };
        const valid = async (seed: number) => {
          const gen = async (s: Schema) => generate(resolve(s) as never, { seed, alwaysFakeOptionals: seed % 2 === 0, maxLength: 5000, maxItems: 20 }); // bodies under the 1 MB limit (413: api-http)
          const of = async (where: Param['in']) =>
            Object.fromEntries(await Promise.all(params.filter((p) => p.in === where && (p.required || seed % 2 === 0)).map(async (p) => [p.name, await gen(p.schema)])));
          return { path: await of('path'), query: await of('query'), headers: (await of('header')) as Record<string, string>, body: bodySchema ? await gen(bodySchema) : undefined };
        };
        // Generated from the schemas: any documented answer (404 for ids that name nothing, 409…).
        for (const seed of [1, 2, 3]) {
          const input = await valid(seed);
          if (path === '/api/console/session' && method === 'delete') continue;
          check(`valid #${seed}`, await send(method, path, op, input), false);
        }
        // Forbidden by the schemas: never accepted.
        const good = await valid(2);
        const bad: [string, typeof good][] = [];
        for (const p of params.filter((x) => x.in === 'path')) {
          bad.push([`path ${p.name} = {"$ne":null}`, { ...good, path: { ...good.path, [p.name]: '{"$ne":null}' } }]);
        }
        for (const p of params.filter((x) => x.in === 'query')) {
          const s = deref(p.schema);
          if (s.type === 'integer' || s.type === 'number' || s.enum || s.pattern || s.format) bad.push([`query ${p.name} wrong`, { ...good, query: { ...good.query, [p.name]: '$where' } }]);
        }
        if (Object.values(params).some((p) => p.in === 'query')) bad.push(['unknown query key', { ...good, query: { ...good.query, $where: '1' } }]);
        const b = bodySchema ? resolve(bodySchema) : undefined;
        if (b && b.type === 'object') {
          bad.push(['body is an array', { ...good, body: [] }]);
          bad.push(['unknown body key', { ...good, body: { ...(good.body as object), $where: 'sleep(1)' } }]);
          for (const req of b.required ?? []) {
            const { [req]: _drop, ...rest } = good.body as Record<string, unknown>;
            bad.push([`body without ${req}`, { ...good, body: rest }]);
          }
          for (const [k, s] of Object.entries(b.properties ?? {})) {
            bad.push([`body ${k} = {"$ne":null}`, { ...good, body: { ...(good.body as object), [k]: s.type === 'object' ? 12 : { $ne: null } } }]);
          }
        }
        for (const [what, input] of bad) check(what, await send(method, path, op, input), true);
      }
    }
    if (problems.length || process.env.FUZZ_VERBOSE) console.log(`${requests} requests; statuses: ${JSON.stringify(statuses)}\n${problems.join('\n')}`);
    expect(problems, problems.slice(0, 40).join('\n')).to.deep.equal([]);
    expect(requests).to.be.greaterThan(400);
  });
});
