// Backups through the real database: a dump in mongodump's directory format, restored into a
// wiped database, gives the same collections, documents (types kept), indexes and files; a
// dump built by hand in mongodump's format restores; restore refuses a non-empty database and
// a dump that does not match its manifest; scheduled backups are pruned, and a failed one
// raises an alert.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import mongoose from 'mongoose';
import { BSON, Double, Int32, Long, ObjectId, type Db } from 'mongodb';
import { backup, pruneBackups, restore, scheduledBackup, type Manifest } from '../../shared/db/backup.js';
import { Alert } from '../../shared/health/index.js';
import { createScheduler, JOBS } from '../../shared/scheduler/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { Message, Thread } from '../../shared/threads/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { ensureIndexes } from '../support/db.js';

const db = (): Db => mongoose.connection.db!;

/** Every collection's documents (canonical extended JSON, by _id) and indexes (name, key, unique). */
async function snapshot(d: Db) {
  const out: Record<string, { docs: string[]; indexes: string[] }> = {};
  for (const c of (await d.listCollections({}, { nameOnly: true }).toArray()).filter((c) => !c.name.startsWith('system.'))) {
    const coll = d.collection(c.name);
    const docs = (await coll.find({}, { promoteValues: false, promoteLongs: false }).toArray()).map((x) => BSON.EJSON.stringify(x, { relaxed: false })).sort();
    const indexes = (await coll.indexes()).map((ix) => `${ix.name} ${JSON.stringify(ix.key)} ${ix.unique ? 'unique' : ''}`).sort();
    out[c.name] = { docs, indexes };
  }
  return out;
}

const filesOf = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${join(e.parentPath, e.name).slice(dir.length)}=${readFileSync(join(e.parentPath, e.name), 'utf8')}`)
    .sort();

describe('backup and restore: mongodump directory format through the driver', function () {
  this.timeout(120_000);
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'gendan-backup-'));
  });
  afterEach(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await ensureIndexes(); // a test dropped the database: later tests find the app's indexes again
  });

  it('backup → wipe → restore gives equal collections, documents, indexes and files; a second restore is refused without --drop', async () => {
    const s = await Supplier.create({ code: 'A01', name: '宁波奥吉电器' });
    const th = await Thread.create({ key: 'dm:wx1', kind: 'dm', contactWechatId: 'wx1', supplierId: s._id, messageCount: 1 });
    await Message.create({ threadId: th._id, supplierId: s._id, puppetId: 'p1', dedupeKey: 'k1', direction: 'in', type: 'text', text: '交期确认', ts: new Date('2026-11-29T08:00:00Z') });
    await db()
      .collection('kinds')
      .insertMany([
        {
          _id: 'x' as never,
          i: new Int32(7),
          l: Long.fromString('9007199254740993'),
          d: new Double(1.5),
          at: new Date('2026-01-02T03:04:05.678Z'),
          oid: new ObjectId(),
          nested: { a: [1, 'b', { c: null }] },
        },
        { _id: 'y' as never, empty: {}, arr: [], bin: new BSON.Binary(Buffer.from([0, 1, 2, 255])) },
      ]);
    await db().collection('kinds').createIndex({ i: 1, at: -1 }, { name: 'i_at' });
    const uploads = join(tmp, 'uploads');
    mkdirSync(join(uploads, 'orders', '2026'), { recursive: true });
    writeFileSync(join(uploads, 'orders', '2026', 'photo.jpg'), 'JPEG bytes');
    writeFileSync(join(uploads, 'note.txt'), '说明');
    const before = await snapshot(db());
    const uploadedBefore = filesOf(uploads);

    const out = join(tmp, 'dump');
    const m = await backup({ db: db(), out, gzip: true, fileDirs: { uploads } });
    expect(m.collections.find((c) => c.name === 'kinds')?.count).to.equal(2);
    expect(existsSync(join(out, db().databaseName, 'kinds.bson.gz'))).to.equal(true);
    expect(existsSync(join(out, db().databaseName, 'kinds.metadata.json.gz'))).to.equal(true);
    expect(m.files.some((f) => f.path === join('files', 'uploads', 'orders', '2026', 'photo.jpg'))).to.equal(true);

    await db().dropDatabase();
    rmSync(uploads, { recursive: true, force: true });
    expect(await snapshot(db())).to.deep.equal({});

    const r = await restore({ db: db(), from: out, fileDirs: { uploads } });
    expect(r.verified).to.equal(true);
    expect(r.skippedIndexes).to.deep.equal([]);
    expect(await snapshot(db())).to.deep.equal(before);
    expect(filesOf(uploads)).to.deep.equal(uploadedBefore);

    let refused: unknown;
    await restore({ db: db(), from: out }).catch((e) => (refused = e));
    expect(String(refused)).to.match(/not empty.*--drop/);
    const again = await restore({ db: db(), from: out, drop: true, fileDirs: { uploads } });
    expect(again.collections.find((c) => c.name === 'kinds')?.count).to.equal(2);
    expect(await snapshot(db())).to.deep.equal(before);
  });

  it('refuses a dump that does not match its manifest, and changes nothing', async () => {
    await Supplier.create({ code: 'B01', name: '义乌工厂' });
    const out = join(tmp, 'dump');
    await backup({ db: db(), out });
    const file = join(out, db().databaseName, 'suppliers.bson');
    const bytes = readFileSync(file);
    bytes[bytes.length - 2] ^= 0xff;
    writeFileSync(file, bytes);
    await db().dropDatabase();
    let err: unknown;
    await restore({ db: db(), from: out }).catch((e) => (err = e));
    expect(String(err)).to.match(/manifest mismatch: .*suppliers\.bson/);
    expect(await Supplier.countDocuments()).to.equal(0);
  });

  it("restores a dump written in mongodump's format (built here with the bson package): documents, types and indexes", async () => {
    const dir = join(tmp, 'mongodump', 'shop');
    mkdirSync(dir, { recursive: true });
    const docs = [
      { _id: new ObjectId('65f000000000000000000001'), sku: 'A-1', qty: new Int32(3), price: new Double(9.99) },
      { _id: new ObjectId('65f000000000000000000002'), sku: 'A-2', qty: new Int32(0), price: new Double(0.5), tags: ['x'] },
    ];
    writeFileSync(join(dir, 'items.bson'), Buffer.concat(docs.map((d) => BSON.serialize(d))));
    // As mongodump 100.x writes it: canonical extended JSON, v/key numbers as $numberInt.
    writeFileSync(
      join(dir, 'items.metadata.json'),
      '{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"},{"v":{"$numberInt":"2"},"unique":true,"key":{"sku":{"$numberInt":"1"}},"name":"sku_1"},' +
        '{"v":{"$numberInt":"2"},"key":{"qty":{"$numberInt":"1"},"sku":{"$numberInt":"-1"}},"name":"qty_1_sku_-1"}],"uuid":"0123456789abcdef0123456789abcdef","collectionName":"items","type":"collection"}',
    );
    // A gzipped collection beside it (mongodump --gzip). (No Decimal128: FerretDB v1 has none.)
    writeFileSync(join(dir, 'notes.bson.gz'), gzipSync(BSON.serialize({ _id: 1, text: '你好' })));
    writeFileSync(join(dir, 'notes.metadata.json.gz'), gzipSync('{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"}],"collectionName":"notes","type":"collection"}'));

    const r = await restore({ db: db(), from: join(tmp, 'mongodump') });
    expect(r.verified).to.equal(false);
    expect(r.collections.map((c) => [c.name, c.count])).to.deep.equal([
      ['items', 2],
      ['notes', 1],
    ]);
    const items = await db().collection('items').find({}, { promoteValues: false }).sort({ _id: 1 }).toArray();
    expect(items.map((d) => BSON.EJSON.stringify(d, { relaxed: false }))).to.deep.equal(docs.map((d) => BSON.EJSON.stringify(d, { relaxed: false })));
    const ix = await db().collection('items').indexes();
    expect(ix.find((i) => i.name === 'sku_1')?.unique).to.equal(true);
    expect(ix.find((i) => i.name === 'qty_1_sku_-1')?.key).to.deep.equal({ qty: 1, sku: -1 });
    let dup: unknown;
    await db()
      .collection('items')
      .insertOne({ sku: 'A-1' })
      .catch((e) => (dup = e));
    expect((dup as { code?: number })?.code, 'the unique index is in force').to.equal(11000);
    expect(
      (
        await db()
          .collection('notes')
          .findOne({ _id: 1 as never })
      )?.text,
    ).to.equal('你好');
  });

  it('a backup taken while messages are being written restores to a consistent state (counts = manifest, no half documents)', async () => {
    const th = await Thread.create({ key: 'dm:busy', kind: 'dm', contactWechatId: 'busy', messageCount: 0 });
    let writing = true;
    let n = 0;
    const writer = (async () => {
      while (writing) {
        await Message.create({ threadId: th._id, puppetId: `busy-${n}`, dedupeKey: `busy-${n}`, direction: 'in', type: 'text', text: `消息 ${n}`, ts: new Date() });
        n++;
      }
    })();
    await new Promise((ok) => setTimeout(ok, 300));
    const out = join(tmp, 'dump');
    const m = await backup({ db: db(), out });
    writing = false;
    await writer;
    const target = mongoose.connection.getClient().db(`${db().databaseName}_restored`);
    try {
      await target.dropDatabase();
      const r = await restore({ db: target, from: out });
      const count = m.collections.find((c) => c.name === 'messages')!.count;
      expect(count).to.be.greaterThan(0);
      expect(r.collections.find((c) => c.name === 'messages')?.count).to.equal(count);
      const restored = await target.collection('messages').find({}).toArray();
      expect(restored.every((d) => d.puppetId === d.dedupeKey && d.text === `消息 ${String(d.puppetId).slice(5)}`)).to.equal(true);
    } finally {
      await target.dropDatabase();
    }
  });

  it('scheduled backups: written whole under a time-named directory, older than BACKUP_KEEP_DAYS removed; a failed one raises an alert', async () => {
    await Supplier.create({ code: 'C01', name: '工厂' });
    const dir = join(tmp, 'backups');
    mkdirSync(join(dir, 'old'), { recursive: true });
    writeFileSync(join(dir, 'old', 'manifest.json'), '{}');
    const longAgo = new Date(Date.now() - 20 * 86_400_000);
    utimesSync(join(dir, 'old', 'manifest.json'), longAgo, longAgo);
    const r = await scheduledBackup(db(), { dir, keepDays: 14 });
    expect(r.pruned).to.equal(1);
    expect(readdirSync(dir)).to.deep.equal([r.path.slice(dir.length + 1)]);
    const manifest = JSON.parse(readFileSync(join(r.path, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.collections.find((c) => c.name === 'suppliers')?.count).to.equal(1);
    expect(pruneBackups(dir, 14)).to.equal(0);

    // BACKUP_DIR is a file: the job fails, and the managers get an alert.
    const notADir = join(tmp, 'file');
    writeFileSync(notADir, 'x');
    const scheduler = await createScheduler({ settings: loadConfig({}), jobs: [], backup: { dir: notADir, keepDays: 14 }, processEvery: 100 });
    await scheduler.start();
    try {
      await scheduler.agenda.now(JOBS.backup);
      await scheduler.idle(30_000);
    } finally {
      await scheduler.stop();
    }
    const alert = await Alert.findOne({ kind: 'backup_failed' }).lean();
    expect(alert?.text).to.match(/nightly backup into .*file failed/);
  });
});
