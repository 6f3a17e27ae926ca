// `npm run restore -- DIR [--drop]`: restore a dump written by `npm run backup` or by
// `mongodump` (directory format, .bson or .bson.gz) into the configured database. Refuses a
// non-empty database unless --drop, and a dump that does not match its manifest.
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { loadConfigOrExit } from '../shared/config/index.js';
import { restore } from '../shared/db/backup.js';
import { runOnDatabase } from './on-database.js';

const { values, positionals } = parseArgs({ options: { drop: { type: 'boolean' } }, allowPositionals: true, strict: true });
if (positionals.length !== 1) {
  console.error('usage: npm run restore -- <dump directory> [--drop]');
  process.exit(2);
}
const config = loadConfigOrExit();
await runOnDatabase(config, 'restore', async () => {
  const t = performance.now();
  const r = await restore({ db: mongoose.connection.db!, from: positionals[0]!, drop: values.drop, fileDirs: { uploads: config.server.uploadDir } });
  const docs = r.collections.reduce((a, c) => a + c.count, 0);
  console.log(
    `restored into ${config.db.name}: ${r.collections.length} collections, ${docs} documents, ${r.files} files in ${((performance.now() - t) / 1000).toFixed(1)} s` +
      (r.verified ? ' (manifest verified)' : ' (no manifest: a mongodump directory)'),
  );
  for (const s of r.skippedIndexes) console.log(`  index ${s.collection}.${s.name} not created: ${s.reason}`);
});
