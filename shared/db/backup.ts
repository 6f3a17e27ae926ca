// Logical backups through the driver, in the directory format `mongodump` writes, so a dump of
// the embedded engine restores into MongoDB with `mongorestore`, and a `mongodump` of MongoDB
// restores here:
//   <out>/<db>/<collection>.bson[.gz]           documents, BSON, one after another
//   <out>/<db>/<collection>.metadata.json[.gz]  {indexes, options, collectionName, type} (canonical extended JSON)
//   <out>/files/<name>/…                        uploaded photos and files (DATA_DIR)
//   <out>/manifest.json                         collections, counts, sha256 of every file (ours; mongorestore ignores it)
// Each document is read whole (a document written during the dump is in it or not, never
// half); the manifest records exactly what was written, and restore verifies it.
import { createHash } from 'node:crypto';
import { cpSync, createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { BSON, type Db, type Document } from 'mongodb';
import { getLogger } from '../log/index.js';
import { WRITE_BATCH } from './batches.js';

const log = getLogger('db.backup');
const { EJSON } = BSON;

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface ManifestFile {
  path: string; // relative to the dump directory
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: 'mongodump-directory';
  tool: 'gendan';
  db: string;
  startedAt: string;
  finishedAt: string;
  gzip: boolean;
  collections: { name: string; count: number }[];
  files: ManifestFile[];
}

export interface BackupOptions {
  db: Db;
  /** The dump directory (created; must be empty or absent). */
  out: string;
  gzip?: boolean;
  /** Directories of uploaded files to include, by name (e.g. { uploads: DATA_DIR/uploads }). */
  fileDirs?: Record<string, string>;
}

function sha256File(path: string): Promise<string> {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('end', () => ok(h.digest('hex')))
      .on('error', fail);
  });
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const writeStream = (src: Readable, path: string, gzip: boolean) => (gzip ? pipeline(src, createGzip(), createWriteStream(path)) : pipeline(src, createWriteStream(path)));

/** Write a dump of `db` to `out`; returns its manifest (also written as manifest.json). */
export async function backup(opts: BackupOptions): Promise<Manifest> {
  const { db, out } = opts;
  const gzip = opts.gzip ?? false;
  if (existsSync(out) && readdirSync(out).length) throw new BackupError(`${out} is not empty`);
  const dbDir = join(out, db.databaseName);
  mkdirSync(dbDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const collections: Manifest['collections'] = [];
  const infos = (await db.listCollections({}, { nameOnly: false }).toArray()).filter((c) => !c.name.startsWith('system.') && (c.type ?? 'collection') === 'collection');
  for (const info of infos.sort((a, b) => a.name.localeCompare(b.name))) {
    const coll = db.collection(info.name);
    const indexes = await coll.indexes();
    const meta = { indexes: indexes.map((ix) => ({ v: 2, ...ix })), uuid: '', collectionName: info.name, type: 'collection', options: (info as { options?: Document }).options ?? {} };
    const metaText = EJSON.stringify(meta, { relaxed: false });
    const metaPath = join(dbDir, `${info.name}.metadata.json${gzip ? '.gz' : ''}`);
    await writeStream(PassThrough.from([Buffer.from(metaText)]), metaPath, gzip);
    // Raw BSON straight from the wire: every type (Decimal128, Int64, dates) as stored.
    let count = 0;
    const cursor = coll.find({}, { raw: true, batchSize: 1000 }) as unknown as AsyncIterable<Buffer>;
    async function* docs() {
      for await (const raw of cursor) {
        count++;
        yield Buffer.from(raw);
      }
    }
    await writeStream(Readable.from(docs()), join(dbDir, `${info.name}.bson${gzip ? '.gz' : ''}`), gzip);
    collections.push({ name: info.name, count });
  }
  // Uploaded files.
  for (const [name, dir] of Object.entries(opts.fileDirs ?? {})) {
    if (existsSync(dir)) cpSync(dir, join(out, 'files', name), { recursive: true });
  }
  const files: ManifestFile[] = [];
  for (const p of listFiles(out).sort()) {
    files.push({ path: relative(out, p), bytes: statSync(p).size, sha256: await sha256File(p) });
  }
  const manifest: Manifest = { format: 'mongodump-directory', tool: 'gendan', db: db.databaseName, startedAt, finishedAt: new Date().toISOString(), gzip, collections, files };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  log.info({ out, collections: collections.length, documents: collections.reduce((a, c) => a + c.count, 0), files: files.length }, 'backup written');
  return manifest;
}

// ---- restore ------------------------------------------------------------------------------

/** BSON documents from a stream of concatenated documents (a .bson file). */
async function* bsonDocuments(stream: Readable): AsyncGenerator<Buffer> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    let off = 0;
    while (buf.length - off >= 4) {
      const size = buf.readInt32LE(off);
      if (size < 5) throw new BackupError(`corrupt BSON: document of ${size} bytes`);
      if (buf.length - off < size) break;
      yield buf.subarray(off, off + size);
      off += size;
    }
    buf = buf.subarray(off);
  }
  if (buf.length) throw new BackupError(`corrupt BSON: ${buf.length} trailing bytes`);
}

export interface RestoreOptions {
  db: Db;
  /** The dump directory: holds <db>/ (or is itself the directory of .bson files). */
  from: string;
  /** Drop each collection restored (and allow a non-empty database). */
  drop?: boolean;
  /** Where each files/<name> of the dump goes (e.g. { uploads: DATA_DIR/uploads }). */
  fileDirs?: Record<string, string>;
}

export interface RestoreResult {
  collections: { name: string; count: number; indexes: number }[];
  skippedIndexes: { collection: string; name: string; reason: string }[];
  files: number;
  verified: boolean;
}

/** Find the directory of .bson files in a dump: from itself, or its one sub-directory (or the one named like the manifest's db). */
function dumpDbDir(from: string, manifest?: Manifest): string {
  const hasBson = (d: string) => readdirSync(d).some((f) => /\.bson(\.gz)?$/.test(f));
  if (hasBson(from)) return from;
  if (manifest && existsSync(join(from, manifest.db))) return join(from, manifest.db);
  const dirs = readdirSync(from, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'files' && e.name !== 'admin' && hasBson(join(from, e.name)));
  if (dirs.length !== 1) throw new BackupError(`${from}: expected one database directory of .bson files, found ${dirs.map((d) => d.name).join(', ') || 'none'}`);
  return join(from, dirs[0]!.name);
}

const open = (path: string): Readable => (path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path));

/** Restore a dump (ours or mongodump's) into `db`. Refuses a non-empty database without `drop`, and a dump that does not match its manifest. */
export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const { db, from } = opts;
  if (!existsSync(from)) throw new BackupError(`${from} does not exist`);
  const manifestPath = join(from, 'manifest.json');
  const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest) : undefined;
  if (manifest) {
    for (const f of manifest.files) {
      const p = join(from, f.path);
      if (!existsSync(p)) throw new BackupError(`manifest mismatch: ${f.path} is missing`);
      if ((await sha256File(p)) !== f.sha256) throw new BackupError(`manifest mismatch: ${f.path} does not match its checksum`);
    }
  } else {
    log.warn({ from }, 'no manifest.json (a mongodump directory?): nothing to verify against');
  }
  const dir = dumpDbDir(from, manifest);
  const names = [...new Set(readdirSync(dir).flatMap((f) => /^(.+)\.bson(\.gz)?$/.exec(f)?.[1] ?? []))].filter((n) => !n.startsWith('system.')).sort();

  if (!opts.drop) {
    const existing = (await db.listCollections({}, { nameOnly: true }).toArray()).filter((c) => !c.name.startsWith('system.'));
    for (const c of existing) {
      if (await db.collection(c.name).findOne({})) throw new BackupError(`database ${db.databaseName} is not empty (${c.name} has documents); restore with --drop to replace it`);
    }
  }

  const result: RestoreResult = { collections: [], skippedIndexes: [], files: 0, verified: !!manifest };
  for (const name of names) {
    const bsonPath = [join(dir, `${name}.bson`), join(dir, `${name}.bson.gz`)].find(existsSync)!;
    const metaPath = [join(dir, `${name}.metadata.json`), join(dir, `${name}.metadata.json.gz`)].find(existsSync);
    let meta: { indexes?: Document[]; options?: Document } = {};
    if (metaPath) {
      const chunks: Buffer[] = [];
      for await (const c of open(metaPath)) chunks.push(c as Buffer);
      meta = EJSON.parse(Buffer.concat(chunks).toString('utf8'), { relaxed: false }) as typeof meta;
    }
    if (opts.drop)
      await db
        .collection(name)
        .drop()
        .catch(() => undefined);
    const options = { ...(meta.options ?? {}) };
    delete options.uuid;
    await db.createCollection(name, options).catch(async (err: { code?: number; message?: string }) => {
      if (err.code === 48) return; // exists
      log.warn({ collection: name, err: err.message }, 'collection options not applied; created plain');
      await db.createCollection(name).catch(() => undefined);
    });
    const coll = db.collection(name);
    let count = 0;
    let batch: Document[] = [];
    const flush = async () => {
      if (!batch.length) return;
      // Values as they were (Int32 stays Int32, Int64 stays Int64): no promotion on the way through.
      const r = await coll.insertMany(batch, { ordered: false });
      count += r.insertedCount;
      batch = [];
    };
    for await (const raw of bsonDocuments(open(bsonPath))) {
      batch.push(BSON.deserialize(raw, { promoteValues: false, promoteLongs: false, promoteBuffers: false }));
      if (batch.length >= WRITE_BATCH) await flush();
    }
    await flush();
    let indexes = 0;
    for (const ix of meta.indexes ?? []) {
      if (ix.name === '_id_') continue;
      const { key, v: _v, ns: _ns, ...rest } = ix as { key: Document; v?: unknown; ns?: unknown } & Document;
      try {
        await coll.createIndex(key, rest);
        indexes++;
      } catch (err) {
        result.skippedIndexes.push({ collection: name, name: String(ix.name), reason: (err as Error).message });
        log.warn({ collection: name, index: ix.name, err: (err as Error).message }, 'index not created');
      }
    }
    const expected = manifest?.collections.find((c) => c.name === name)?.count;
    if (expected !== undefined && expected !== count) throw new BackupError(`manifest mismatch: ${name} restored ${count} documents, the manifest says ${expected}`);
    result.collections.push({ name, count, indexes });
  }
  if (manifest) {
    const missing = manifest.collections.filter((c) => !names.includes(c.name));
    if (missing.length) throw new BackupError(`manifest mismatch: ${missing.map((c) => c.name).join(', ')} not in the dump`);
  }
  for (const [name, target] of Object.entries(opts.fileDirs ?? {})) {
    const src = join(from, 'files', name);
    if (!existsSync(src)) continue;
    if (opts.drop) rmSync(target, { recursive: true, force: true });
    cpSync(src, target, { recursive: true });
    result.files += listFiles(src).length;
  }
  log.info({ from, collections: result.collections.length, files: result.files }, 'restore done');
  return result;
}

/** Dumps in `dir` (named by time) older than `keepDays` are removed; returns how many. */
export function pruneBackups(dir: string, keepDays: number, now = new Date()): number {
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || !existsSync(join(dir, e.name, 'manifest.json'))) continue; // only ours, only complete
    const at = statSync(join(dir, e.name, 'manifest.json')).mtime;
    if (now.getTime() - at.getTime() > keepDays * 86_400_000) {
      rmSync(join(dir, e.name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

export interface ScheduledBackupSettings {
  /** Where dumps go, one directory per run named by its time. */
  dir: string;
  keepDays: number;
  /** Uploaded files (DATA_DIR/uploads). */
  uploadDir?: string;
}

/**
 * One scheduled backup: written gzipped under a `.partial` name and renamed when complete (so a
 * crash leaves no dump that looks whole), then dumps older than keepDays are removed.
 */
export async function scheduledBackup(db: Db, s: ScheduledBackupSettings, now = new Date()): Promise<{ path: string; manifest: Manifest; pruned: number; ms: number }> {
  const t = Date.now();
  mkdirSync(s.dir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const tmp = join(s.dir, `.${stamp}.partial`);
  const path = join(s.dir, stamp);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const manifest = await backup({ db, out: tmp, gzip: true, fileDirs: s.uploadDir ? { uploads: s.uploadDir } : {} });
    renameSync(tmp, path);
    return { path, manifest, pruned: pruneBackups(s.dir, s.keepDays, now), ms: Date.now() - t };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
