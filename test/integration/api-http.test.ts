// HTTP concerns of the Koa app through supertest on app.callback(): request ids, security
// headers, CORS for the console only, login rate limit, one error envelope for everything,
// and an OpenAPI document that lists every route the app serves.
import { expect } from 'chai';
import request from 'supertest';
import { appRoutes, createApp } from '../../server/app.js';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { WechatAuth } from '../../shared/auth/index.js';
import { UnauthorizedError } from '../../shared/errors/index.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { makeManager, makeSupplierSession, testConfig } from '../support/api.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const CONSOLE = 'https://console.gendan.example';

describe('API over HTTP: headers, ids, CORS', function () {
  const config = testConfig({ CONSOLE_ORIGIN: CONSOLE });
  const agent = request(createApp({ config, clock: () => NOW }).callback());

  it('gives every response a request id (echoes a sane one, replaces a bad one) and security headers', async () => {
    const a = await agent.get('/healthz');
    expect(a.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-content-type-options']).to.equal('nosniff');
    expect(a.headers['x-frame-options']).to.be.a('string');
    expect(a.headers['strict-transport-security']).to.be.a('string');
    expect((await agent.get('/healthz').set('X-Request-Id', 'client-req-0001')).headers['x-request-id']).to.equal('client-req-0001');
    const bad = await agent.get('/healthz').set('X-Request-Id', 'x<script>alert(1)</script>');
    expect(bad.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('answers CORS for the console origin on the manager API only', async () => {
    const pre = await agent.options('/api/orders').set('Origin', CONSOLE).set('Access-Control-Request-Method', 'POST');
    expect(pre.headers['access-control-allow-origin']).to.equal(CONSOLE);
    const other = await agent.options('/api/orders').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).to.equal(undefined);
    const mp = await agent.options('/api/mp/orders').set('Origin', CONSOLE).set('Access-Control-Request-Method', 'GET');
    expect(mp.headers['access-control-allow-origin']).to.equal(undefined);
  });

  it('answers no CORS at all when no console origin is configured', async () => {
    const plain = request(createApp({ config: testConfig(), clock: () => NOW }).callback());
    const pre = await plain.options('/api/orders').set('Origin', CONSOLE).set('Access-Control-Request-Method', 'POST');
    expect(pre.headers['access-control-allow-origin']).to.equal(undefined);
  });
});

describe('API over HTTP: one error envelope', function () {
  this.timeout(20_000);

  it('unknown route → 404, wrong method → 405, both in the envelope', async () => {
    const agent = request(createApp({ config: testConfig(), clock: () => NOW }).callback());
    const r404 = await agent.get('/nothing').expect(404);
    expect(r404.body).to.deep.equal({ error: { code: 'not_found', message: 'no such route' } });
    const s = await makeSupplierSession(testConfig());
    const r405 = await agent.put('/api/mp/orders').set('Authorization', `Bearer ${s.token}`);
    expect(r405.status).to.equal(405);
    expect(r405.body.error.code).to.equal('method_not_allowed');
  });

  it('an unexpected error is a 500 with an error id and no internals; a lost database is a 503', async () => {
    const boom: WechatAuth = {
      codeToSession: async () => {
        throw new Error('secret internals at /srv/x.ts:12');
      },
    };
    const agent = request(createApp({ config: testConfig(), wechatAuth: boom, clock: () => NOW }).callback());
    const r = await agent.post('/api/mp/login').send({ code: 'abc' }).expect(500);
    expect(r.body.error.code).to.equal('internal');
    expect(r.body.error.errorId).to.match(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(r.body)).not.to.include('secret internals');

    const lost = Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' });
    const down: WechatAuth = {
      codeToSession: async () => {
        throw lost;
      },
    };
    const r2 = await request(createApp({ config: testConfig(), wechatAuth: down }).callback())
      .post('/api/mp/login')
      .send({ code: 'abc' })
      .expect(503);
    expect(r2.headers['retry-after']).to.equal('5');
    expect(r2.body.error.code).to.equal('unavailable');
  });

  it('oversized bodies on the manager API are 413 too; a text body on a JSON route is a 400', async () => {
    const config = testConfig();
    const agent = request(createApp({ config, clock: () => NOW }).callback());
    const { token } = await makeManager(config);
    const big = await agent
      .post('/api/orders')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(`{"number":"${'x'.repeat(1_100_000)}"}`);
    expect(big.status).to.equal(413);
    const txt = await agent.post('/api/orders').set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/plain').send('number=PO-1');
    expect(txt.status).to.equal(400);
    expect(txt.body.error.code).to.equal('validation_failed');
  });
});

describe('API over HTTP: login rate limit', function () {
  this.timeout(20_000);
  let wx: WechatFake;
  beforeEach(async () => {
    wx = await startWechatFake();
  });
  afterEach(() => wx.close());

  it('limits logins per client address: the 21st in a minute is 429 with Retry-After, WeChat not asked', async () => {
    const config = testConfig({ WECHAT_APPID: 'wx-test-app', WECHAT_SECRET: 'wx-test-secret', WECHAT_API_BASE: wx.url });
    const agent = request(createApp({ config, clock: () => NOW }).callback());
    for (let i = 0; i < 20; i++)
      await agent
        .post('/api/mp/login')
        .send({ code: `bad-${i}` })
        .expect(401);
    const calls = wx.calls;
    const r = await agent.post('/api/mp/login').send({ code: 'bad-x' }).expect(429);
    expect(r.headers['retry-after']).to.equal('60');
    expect(wx.calls).to.equal(calls);
  });
});

describe('API over HTTP: client address behind a proxy', function () {
  this.timeout(20_000);
  const wechatAuth: WechatAuth = {
    codeToSession: async () => {
      throw new UnauthorizedError('invalid code');
    },
  };
  const burst = async (agent: ReturnType<typeof request>, n: number, ip: (i: number) => string) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await agent.post('/api/mp/login').set('X-Forwarded-For', ip(i)).send({ code: 'c' })).status);
    return statuses;
  };

  it('ignores X-Forwarded-For unless TRUST_PROXY: a spoofed header does not escape the login limit', async () => {
    const agent = request(createApp({ config: testConfig(), wechatAuth }).callback());
    const statuses = await burst(agent, 22, (i) => `10.0.0.${i}`);
    expect(statuses.slice(0, 20).every((x) => x === 401)).to.equal(true);
    expect(statuses.filter((x) => x === 429)).to.have.length(2);
  });

  it('with TRUST_PROXY each forwarded client has its own limit', async () => {
    const agent = request(createApp({ config: testConfig({ TRUST_PROXY: 'true' }), wechatAuth }).callback());
    const statuses = await burst(agent, 22, (i) => `10.0.0.${i}`);
    expect(statuses.filter((x) => x === 429)).to.have.length(0);
    const same = await burst(agent, 21, () => '10.9.9.9');
    expect(same.at(-1)).to.equal(429);
  });
});

describe('API over HTTP: the OpenAPI document', function () {
  this.timeout(20_000);

  it('is valid OpenAPI 3.1, lists exactly the route table, declares every path parameter and the error answers', async () => {
    const config = testConfig();
    const res = await request(createApp({ config }).callback()).get('/openapi.json').expect(200);
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; responses: Record<string, unknown>; security?: unknown[] }>> };
    expect(doc.openapi).to.equal('3.1.0');
    const validator = new Validator();
    const v = await validator.validate(doc);
    expect(v.errors ?? [], JSON.stringify(v.errors)).to.deep.equal([]);
    expect(v.valid).to.equal(true);

    const table = appRoutes({ config })
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .sort();
    expect(documented).to.deep.equal(table);
    expect(table.length).to.be.greaterThan(55);

    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared, `${method} ${path}`).to.have.members(names);
        if (op.security?.length) expect(op.responses, `${method} ${path}`).to.include.keys('401', '403');
        if (names.length) expect(op.responses, `${method} ${path}`).to.include.keys('404', '400');
        expect(op.responses, `${method} ${path}`).to.include.keys('503');
      }
    }
    const create = doc.paths['/api/orders']!.post as unknown as { requestBody: { content: Record<string, { schema: { properties: object; additionalProperties: boolean } }> } };
    expect(create.requestBody.content['application/json']!.schema.properties).to.include.keys('number', 'supplierCode', 'lines', 'planned');
    expect(create.requestBody.content['application/json']!.schema.additionalProperties).to.equal(false); // .strict() shows in the document
  });

  it('answers 405 with Allow for a method a known path does not serve (TRACE included), and serves /docs locally', async () => {
    const agent = request(createApp({ config: testConfig() }).callback());
    for (const method of ['TRACE', 'PUT'] as const) {
      const r = await agent[method === 'TRACE' ? 'trace' : 'put']('/api/orders/overdue');
      expect(r.status, method).to.equal(405);
      expect(r.headers.allow, method).to.include('GET');
    }
    const page = await agent.get('/docs').expect(200);
    expect(page.text).to.include('/docs/swagger-ui-bundle.js');
    const js = await agent.get('/docs/swagger-ui-bundle.js').expect(200);
    expect(js.headers['content-type']).to.include('javascript');
    expect((await agent.get('/docs/init.js').expect(200)).text).to.include('/openapi.json');
  });
});
