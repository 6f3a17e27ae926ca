import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '../../shared/config/index.js';

describe('config', () => {
  it('gives working defaults with an empty environment (embedded database, sandbox, no translator)', () => {
    const c = loadConfig({});
    expect(c.db.uri).to.equal(undefined);
    expect(c.db.dataDir).to.equal('./data');
    expect(c.bot.sandbox).to.equal(true);
    expect(c.translation.provider).to.equal('none');
    expect(c.server.port).to.equal(3000);
  });

  it('lists every bad key at once', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', MONGODB_URI: 'http://x', TRANSLATION_PROVIDER: 'tmt', MANAGER_LANGS: 'en,fr', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConfigError);
    const keys = (err as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(keys).to.include.members(['PORT', 'MONGODB_URI', 'MANAGER_LANGS', 'LOG_LEVEL', 'TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY']);
  });

  it('requires SESSION_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /SESSION_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).env).to.equal('production');
  });

  it('npm start exits with the readable list on bad config, before touching the database', function () {
    this.timeout(30_000);
    const r = spawnSync('npx', ['tsx', 'scripts/start.ts'], {
      env: { ...process.env, PORT: 'nope', TRANSLATION_PROVIDER: 'openai', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 25_000,
    });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/Invalid configuration/);
    expect(r.stderr).to.match(/PORT/);
    expect(r.stderr).to.match(/OPENAI_API_KEY/);
    expect(r.stderr).not.to.match(/\bat \S+:\d+:\d+/); // no stack trace
  });

  it('npm run backup and restore exit the same way on bad config (loadConfigOrExit)', function () {
    this.timeout(60_000);
    for (const args of [['scripts/backup.ts'], ['scripts/restore.ts', '/nonexistent-dump']]) {
      const r = spawnSync('npx', ['tsx', ...args], { env: { ...process.env, PORT: 'nope', LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 25_000 });
      expect(r.status, args[0]).to.equal(2);
      expect(r.stderr, args[0]).to.match(/Invalid configuration:\n {2}- PORT/);
      expect(r.stderr, args[0]).not.to.match(/\bat \S+:\d+:\d+/);
    }
  });
});
