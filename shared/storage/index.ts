// Stored files (photos of milestones and claims, media of chat messages) behind one small
// interface: put / get / delete / stat by key. The default keeps them in a local directory
// (config.storage.dir, under DATA_DIR); an S3-compatible store can implement the same four calls.
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat as fsStat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../errors/index.js';

export interface StoredStat {
  size: number;
  modifiedAt: Date;
}

/** What `put` takes: bytes, a stream, or a file on disk (moved in when possible). */
export type PutSource = Buffer | Readable | { path: string };

export interface FileStorage {
  /** Store under `key` (replacing what was there); resolves with the stored size. */
  put(key: string, data: PutSource): Promise<{ size: number }>;
  /** The bytes under `key`, or null when nothing is stored there. */
  get(key: string): Promise<Readable | null>;
  /** Remove `key` (nothing stored there is not an error). */
  delete(key: string): Promise<void>;
  stat(key: string): Promise<StoredStat | null>;
}

/** Keys are slash-separated names of letters, digits, `.`, `_`, `-` (never `..`): `chat/<id>`. */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
export function checkKey(key: string): string {
  if (!KEY.test(key) || key.length > 300 || key.split('/').includes('..')) throw new ValidationError(`bad storage key ${JSON.stringify(key).slice(0, 80)}`);
  return key;
}

const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Files in a local directory: `<root>/<key>`. */
export function createLocalStorage(root: string): FileStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const p = resolve(join(base, checkKey(key)));
    if (!p.startsWith(base + sep)) throw new ValidationError('bad storage key');
    return p;
  };
  return {
    async put(key, data) {
      const p = pathOf(key);
      await mkdir(dirname(p), { recursive: true });
      if (Buffer.isBuffer(data)) {
        await pipeline(Readable.from([data]), createWriteStream(p));
      } else if (data instanceof Readable) {
        await pipeline(data, createWriteStream(p));
      } else {
        // A spooled upload: moved in (same file system), else copied and removed.
        await rename(data.path, p).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EXDEV') throw err;
          await copyFile(data.path, p);
          await rm(data.path, { force: true });
        });
      }
      return { size: (await fsStat(p)).size };
    },
    async get(key) {
      const p = pathOf(key);
      try {
        await fsStat(p);
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
      return createReadStream(p);
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async stat(key) {
      try {
        const s = await fsStat(pathOf(key));
        return { size: s.size, modifiedAt: s.mtime };
      } catch (err) {
        if (missing(err)) return null;
        throw err;
      }
    },
  };
}

/** The configured store (today: the local directory config.storage.dir). */
export const storageFromConfig = (config: { storage: { dir: string } }): FileStorage => createLocalStorage(config.storage.dir);

/** Where each kind of file lives in the store. */
export const storageKeys = {
  milestonePhoto: (id: string) => `photos/${id}`,
  claimPhoto: (id: string) => `claims/${id}`,
  chatMedia: (id: string) => `chat/${id}`,
};
