// Prometheus metrics (prom-client), one registry for the process. A leaf: parts push into it
// (counters, histograms); numbers that live in the database (outbox, queue, bot state) are read
// at scrape time through sources the server registers (server/metrics.ts). Names: README "Operations".
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'gendan_process_' });

const registers = [registry];
const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const metrics = {
  messagesMirrored: new client.Counter({ name: 'gendan_messages_mirrored_total', help: 'Messages stored by the mirror (new ones, not replays)', registers }),
  messagesTranslated: new client.Counter({ name: 'gendan_messages_translated_total', help: 'Messages given translations', registers }),
  providerErrors: new client.Counter({ name: 'gendan_translation_provider_errors_total', help: 'Failed translation provider requests', labelNames: ['provider', 'kind'] as const, registers }),
  outboxSend: new client.Histogram({ name: 'gendan_outbox_send_seconds', help: 'Time to send one notice through WeChat', labelNames: ['result'] as const, buckets: seconds, registers }),
  http: new client.Histogram({ name: 'gendan_http_request_duration_seconds', help: 'HTTP request latency per route', labelNames: ['method', 'route', 'status'] as const, buckets: seconds, registers }),
  db: new client.Histogram({
    name: 'gendan_db_command_duration_seconds',
    help: 'Database command latency (driver command monitoring)',
    labelNames: ['command', 'ok'] as const,
    buckets: seconds,
    registers,
  }),
  jobRuns: new client.Counter({ name: 'gendan_scheduler_job_runs_total', help: 'Scheduler job runs', labelNames: ['job'] as const, registers }),
  jobFailures: new client.Counter({ name: 'gendan_scheduler_job_failures_total', help: 'Scheduler job runs that failed', labelNames: ['job'] as const, registers }),
};

/** What the scrape reads from elsewhere (set by the server; each may be absent). */
export interface MetricSources {
  /** Messages waiting for translation. */
  translationQueue?: () => Promise<number>;
  /** Characters sent to each translation provider since start (what is billed). */
  providerChars?: () => { provider: string; chars: number; requests: number }[];
  /** Notices by kind and status (outbox pending = queued, failed). */
  notices?: () => Promise<{ kind: string; status: string; n: number }[]>;
  /** The bot's state (logged_in, ready, logged_out, …). */
  botState?: () => Promise<string>;
}

let sources: MetricSources = {};
export function setMetricSources(s: MetricSources): void {
  sources = s;
}

new client.Gauge({
  name: 'gendan_translation_queue_depth',
  help: 'Messages waiting for translation',
  registers,
  async collect() {
    if (sources.translationQueue) this.set(await sources.translationQueue().catch(() => NaN));
  },
});
new client.Gauge({
  name: 'gendan_translation_chars_billed_total',
  help: 'Characters sent to translation providers since start',
  labelNames: ['provider'] as const,
  registers,
  collect() {
    for (const p of sources.providerChars?.() ?? []) this.set({ provider: p.provider }, p.chars);
  },
});
new client.Gauge({
  name: 'gendan_translation_requests_total',
  help: 'Requests sent to translation providers since start',
  labelNames: ['provider'] as const,
  registers,
  collect() {
    for (const p of sources.providerChars?.() ?? []) this.set({ provider: p.provider }, p.requests);
  },
});
new client.Gauge({
  name: 'gendan_notices',
  help: 'Notices by kind and status (outbox: queued = pending, failed)',
  labelNames: ['kind', 'status'] as const,
  registers,
  async collect() {
    if (!sources.notices) return;
    this.reset();
    for (const r of await sources.notices().catch(() => [])) this.set({ kind: r.kind, status: r.status }, r.n);
  },
});
const outbox = new client.Gauge({ name: 'gendan_outbox_notices', help: 'Outbox notices pending (queued or sending) and failed', labelNames: ['status'] as const, registers });
const BOT_STATES = ['starting', 'waiting_for_scan', 'logged_in', 'ready', 'logged_out', 'stopped', 'unknown'];
new client.Gauge({
  name: 'gendan_bot_state',
  help: 'The bot state: 1 for the current one',
  labelNames: ['state'] as const,
  registers,
  async collect() {
    if (!sources.botState) return;
    const now = await sources.botState().catch(() => 'unknown');
    for (const s of BOT_STATES) this.set({ state: s }, s === now ? 1 : 0);
  },
});

/** The registry as Prometheus text (outbox gauges derived from the notices source). */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  if (sources.notices) {
    const rows = await sources.notices().catch(() => []);
    const sum = (st: string[]) => rows.filter((r) => st.includes(r.status)).reduce((a, r) => a + r.n, 0);
    outbox.set({ status: 'pending' }, sum(['queued', 'sending']));
    outbox.set({ status: 'failed' }, sum(['failed']));
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}
