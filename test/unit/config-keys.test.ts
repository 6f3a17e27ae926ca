// Every documented key takes effect: each key of .env.example is parsed by the config module,
// changes a value of the Config it returns (found structurally: parse a sample value, see which
// property differs from the defaults), and that property is read somewhere outside shared/config.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, schema } from '../../shared/config/index.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A valid value other than the default, per key (a new key needs one here). */
const SAMPLES: Record<string, Record<string, string>> = {
  NODE_ENV: { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) },
  LOG_LEVEL: { LOG_LEVEL: 'debug' },
  FRIEND_AUTO_ACCEPT: { FRIEND_AUTO_ACCEPT: 'true' },
  IMPORT_MAX_MB: { IMPORT_MAX_MB: '5' },
  IMPORT_MAX_ROWS: { IMPORT_MAX_ROWS: '500' },
  MONGODB_URI: { MONGODB_URI: 'mongodb://db.example:27017' },
  DB_NAME: { DB_NAME: 'other' },
  DATA_DIR: { DATA_DIR: '/srv/gendan' },
  ENGINE_BIN: { ENGINE_BIN: '/opt/engine' },
  HOST: { HOST: '0.0.0.0' },
  PORT: { PORT: '8080' },
  SESSION_SECRET: { SESSION_SECRET: 'y'.repeat(40) },
  CONSOLE_ORIGIN: { CONSOLE_ORIGIN: 'http://localhost:5173' },
  CONSOLE_ADMIN_LOGIN: { CONSOLE_ADMIN_LOGIN: 'boss' },
  CONSOLE_ADMIN_PASSWORD: { CONSOLE_ADMIN_PASSWORD: 'a-long-password' },
  UPLOAD_DIR: { UPLOAD_DIR: '/srv/uploads' },
  BACKUP_DIR: { BACKUP_DIR: '/srv/backups' },
  BACKUP_KEEP_DAYS: { BACKUP_KEEP_DAYS: '30' },
  METRICS_TOKEN: { METRICS_TOKEN: 'metrics-token-0123456789' },
  METRICS_PORT: { METRICS_PORT: '9464' },
  MAX_UPLOAD_MB: { MAX_UPLOAD_MB: '4' },
  MAX_CHAT_MEDIA_MB: { MAX_CHAT_MEDIA_MB: '2' },
  TRUST_PROXY: { TRUST_PROXY: 'true' },
  WECHATY_PUPPET_SERVICE_TOKEN: { WECHATY_PUPPET_SERVICE_TOKEN: 'puppet-token', SANDBOX: 'true' },
  WECHATY_PUPPET_SERVICE_ENDPOINT: { WECHATY_PUPPET_SERVICE_ENDPOINT: '127.0.0.1:8788' },
  BOT_NAME: { BOT_NAME: 'other-bot' },
  NOTICE_PER_CHAT_MS: { NOTICE_PER_CHAT_MS: '2500' },
  NOTICE_PER_MINUTE: { NOTICE_PER_MINUTE: '20' },
  SANDBOX: { SANDBOX: 'false' },
  TRANSLATION_PROVIDER: { TRANSLATION_PROVIDER: 'openai', OPENAI_API_KEY: 'k' },
  TRANSLATION_FALLBACK: { TRANSLATION_FALLBACK: 'openai', OPENAI_API_KEY: 'k' },
  MANAGER_LANGS: { MANAGER_LANGS: 'en,ru' },
  TRANSLATION_ROUTES: { TRANSLATION_ROUTES: 'zh-en:tmt,zh-az:openai|tmt', TENCENT_SECRET_ID: 'i', TENCENT_SECRET_KEY: 'k', OPENAI_API_KEY: 'k' },
  TENCENT_SECRET_ID: { TENCENT_SECRET_ID: 'id' },
  TENCENT_SECRET_KEY: { TENCENT_SECRET_KEY: 'key' },
  TENCENT_REGION: { TENCENT_REGION: 'ap-shanghai' },
  TMT_ENDPOINT: { TMT_ENDPOINT: '127.0.0.1:9000' },
  TMT_PROTOCOL: { TMT_PROTOCOL: 'http://' },
  TMT_PROJECT_ID: { TMT_PROJECT_ID: '7' },
  TMT_RPS: { TMT_RPS: '2' },
  OPENAI_API_KEY: { OPENAI_API_KEY: 'sk-test' },
  OPENAI_BASE_URL: { OPENAI_BASE_URL: 'http://127.0.0.1:9001/v1' },
  OPENAI_MODEL: { OPENAI_MODEL: 'gpt-test' },
  FACTS_LLM: { FACTS_LLM: 'on', OPENAI_API_KEY: 'k' },
  WECHAT_APPID: { WECHAT_APPID: 'wx123' },
  WECHAT_SECRET: { WECHAT_SECRET: 'secret' },
  WECHAT_API_BASE: { WECHAT_API_BASE: 'http://127.0.0.1:9002' },
  KPI_WEIGHTS: { KPI_WEIGHTS: 'delivery:1' },
  SUPPLIER_WORK_HOURS: { SUPPLIER_WORK_HOURS: '08:30-17:30' },
  MANAGER_WORK_HOURS: { MANAGER_WORK_HOURS: '10:00-19:00' },
  ESCALATE_AFTER_MIN: { ESCALATE_AFTER_MIN: '60' },
  RESOLVE_WITHIN_DAYS: { RESOLVE_WITHIN_DAYS: '5' },
  PRICE_JUMP_PCT: { PRICE_JUMP_PCT: '15' },
  PDF_CJK_FONT: { PDF_CJK_FONT: '/fonts/cjk.ttf' },
};

function documentedKeys(): string[] {
  return readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l.trim())?.[1])
    .filter((k): k is string => Boolean(k));
}

/** Leaf paths ('notices.perChatMs') whose values differ between two configs. */
function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  const isObj = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].flatMap((k) => changedPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'web') return [];
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('config: every documented key takes effect', () => {
  const keys = documentedKeys();
  const schemaKeys = Object.keys(schema.shape);
  // Everything that runs in production, the config module itself excepted.
  const source = ['shared', 'bot', 'server', 'scripts']
    .flatMap((d) => sourceFiles(join(ROOT, d)))
    .filter((p) => !p.includes(join('shared', 'config')))
    .map((p) => readFileSync(p, 'utf8'))
    .join('\n');

  it('.env.example documents keys, and every one is in the config schema', () => {
    expect(keys.length).to.be.greaterThan(30);
    expect(
      keys.filter((k) => !schemaKeys.includes(k)),
      'documented but not parsed',
    ).to.deep.equal([]);
  });

  it('every key of the schema is documented in .env.example', () => {
    expect(
      schemaKeys.filter((k) => !keys.includes(k)),
      'parsed but not documented',
    ).to.deep.equal([]);
  });

  it('every key changes a property of the Config, and something outside shared/config reads it', () => {
    const problems: string[] = [];
    for (const key of keys) {
      const sample = SAMPLES[key];
      if (!sample) {
        problems.push(`${key}: no sample value in this test`);
        continue;
      }
      const { [key]: _own, ...companions } = sample;
      // Against the same environment without the key: a companion key (a secret a provider
      // needs) must not be what makes the difference.
      const changed = changedPaths(loadConfig(companions), loadConfig(sample));
      if (!changed.length) {
        problems.push(`${key}: changes nothing in the Config`);
        continue;
      }
      // Read as `x.group.leaf`, or the group passed whole (`pacing: config.notices`) and the leaf
      // read under another name (`p.perChatMs`).
      const read = changed.some((path) => {
        const parts = path.split('.');
        const leaf = parts[parts.length - 1]!;
        const tail = parts.length > 1 ? parts.slice(-2).join('.') : leaf;
        const group = parts.length > 1 ? parts[parts.length - 2]! : undefined;
        const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (new RegExp(`\\.${esc(tail)}\\b`).test(source)) return true;
        if (!group) return false;
        const groupPassed = new RegExp(`\\bconfig\\.${esc(group)}\\b(?!\\.)|\\bsettings: config\\b`).test(source);
        return groupPassed && new RegExp(`\\.${esc(leaf)}\\b|\\b${esc(leaf)}[,}]`).test(source);
      });
      if (!read) problems.push(`${key}: ${changed.join(', ')} is read by nothing outside shared/config`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('a bad working-hours value is listed with the other bad keys, before anything starts', () => {
    let err: unknown;
    try {
      loadConfig({ SUPPLIER_WORK_HOURS: '25:00-18:00', MANAGER_WORK_HOURS: '09:00-08:00', PORT: 'eighty', NOTICE_PER_MINUTE: '0' });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConfigError);
    const bad = (err as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(bad).to.include.members(['SUPPLIER_WORK_HOURS', 'MANAGER_WORK_HOURS', 'PORT', 'NOTICE_PER_MINUTE']);
    expect((err as ConfigError).message).to.include('25:00-18:00');
  });

  it('working hours reach the Config parsed, as minutes after midnight', () => {
    const c = loadConfig({ SUPPLIER_WORK_HOURS: '08:30-17:30' });
    expect(c.performance.supplierHours).to.deep.equal({ from: 510, to: 1050 });
    expect(c.performance.managerHours).to.deep.equal({ from: 540, to: 1080 });
    expect(() => loadConfig({ MANAGER_WORK_HOURS: '09:60-18:00' })).to.throw(ConfigError, /MANAGER_WORK_HOURS/);
  });
});
