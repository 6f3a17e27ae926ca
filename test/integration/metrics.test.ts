// /metrics: Prometheus text, behind METRICS_TOKEN on the main port or on METRICS_PORT of its own;
// every line parses, the documented names are there, and the numbers move with what happens.
import { expect } from 'chai';
import { createServer } from 'node:net';
import request from 'supertest';
import mongoose from 'mongoose';
import { createApp } from '../../server/app.js';
import { startMetricsServer } from '../../server/metrics.js';
import { createMirror } from '../../shared/threads/index.js';
import { testConfig } from '../support/api.js';

const TOKEN = 'metrics-token-for-tests-0123';

/** Prometheus text exposition, strictly: samples by `name{labels}`, and the names with HELP/TYPE. */
function parse(text: string): { samples: Map<string, number>; described: Set<string> } {
  const samples = new Map<string, number>();
  const described = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line);
    if (meta) {
      described.add(meta[2]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return { samples, described };
}

const NAMES = [
  'gendan_messages_mirrored_total',
  'gendan_messages_translated_total',
  'gendan_translation_queue_depth',
  'gendan_translation_provider_errors_total',
  'gendan_translation_chars_billed_total',
  'gendan_outbox_notices',
  'gendan_outbox_send_seconds',
  'gendan_notices',
  'gendan_http_request_duration_seconds',
  'gendan_db_command_duration_seconds',
  'gendan_bot_state',
  'gendan_scheduler_job_runs_total',
  'gendan_scheduler_job_failures_total',
];

describe('metrics: /metrics in Prometheus text', function () {
  this.timeout(30_000);

  it('answers only with the token; parses; counts a mirrored message, an outbox notice and HTTP requests by route', async () => {
    const app = createApp({ config: testConfig({ METRICS_TOKEN: TOKEN }) }).callback();
    const none = await request(app).get('/metrics');
    expect(none.status).to.equal(401);
    expect(none.headers['www-authenticate']).to.equal('Bearer');
    expect(none.body.error.code).to.equal('unauthorized');
    expect((await request(app).get('/metrics').set('Authorization', 'Bearer wrong-token-0000000000')).status).to.equal(401);
    expect((await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`)).status).to.equal(401);
    const scrape = async () => {
      const r = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect(r.status).to.equal(200);
      expect(r.headers['content-type']).to.match(/^text\/plain/);
      return parse(r.text);
    };
    const before = await scrape();
    for (const n of NAMES) expect(before.described, n).to.include(n);

    await createMirror().ingest({ puppetId: 'm-1', chat: { kind: 'dm', id: 'wx-m' }, sender: { wechatId: 'wx-m', name: '王' }, self: false, type: 'text', text: '你好', ts: new Date() });
    await mongoose.connection.db!.collection('notices').insertMany([
      { kind: 'message', status: 'queued', to: 'dm:x', text: 'a', createdAt: new Date() },
      { kind: 'overdue', status: 'failed', to: 'dm:x', text: 'b', createdAt: new Date() },
    ]);
    await request(app).get('/healthz');
    const after = await scrape();
    const mirrored = (p: ReturnType<typeof parse>) => p.samples.get('gendan_messages_mirrored_total') ?? 0;
    expect(mirrored(after) - mirrored(before)).to.equal(1);
    expect(after.samples.get('gendan_translation_queue_depth')).to.equal(1); // the message waits for translation
    expect(after.samples.get('gendan_outbox_notices{status="pending"}')).to.equal(1);
    expect(after.samples.get('gendan_outbox_notices{status="failed"}')).to.equal(1);
    expect(after.samples.get('gendan_notices{kind="overdue",status="failed"}')).to.equal(1);
    expect(after.samples.get('gendan_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}')).to.be.at.least(1);
    // A route of the table: its own scrapes and refusals are counted under its pattern.
    expect(after.samples.get('gendan_http_request_duration_seconds_count{method="GET",route="/metrics",status="401"}')).to.be.at.least(3);
    expect([...after.samples.keys()].some((k) => k.startsWith('gendan_db_command_duration_seconds_count{command="insert"'))).to.equal(true);
    expect([...after.samples.entries()].filter(([k, v]) => k.startsWith('gendan_bot_state{') && v === 1)).to.have.length(1);
  });

  it('is not served on the main port without METRICS_TOKEN; METRICS_PORT serves it on 127.0.0.1', async () => {
    const app = createApp({ config: testConfig() }).callback();
    const off = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(off.status).to.equal(404);
    expect(off.body.error.code).to.equal('not_found');
    const port = await new Promise<number>((ok) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => ok(p));
      });
    });
    const server = await startMetricsServer(testConfig({ METRICS_PORT: String(port) }));
    try {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(r.status).to.equal(200);
      const { described } = parse(await r.text());
      expect(described).to.include('gendan_messages_mirrored_total');
    } finally {
      server?.close();
    }
  });
});
