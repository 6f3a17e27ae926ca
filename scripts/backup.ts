// `npm run backup [-- --out DIR] [--gzip]`: a logical dump of the database in mongodump's
// directory format (plus the uploaded files and a manifest). Default: BACKUP_DIR/<time>, gzipped.
// With the embedded engine, run it while Gendan is stopped, or give MONGODB_URI of the running
// engine (the nightly job of `npm start` needs neither).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { loadConfigOrExit } from '../shared/config/index.js';
import { backup } from '../shared/db/backup.js';
import { runOnDatabase } from './on-database.js';

const { values } = parseArgs({ options: { out: { type: 'string' }, gzip: { type: 'boolean' }, plain: { type: 'boolean' } }, strict: true });
const config = loadConfigOrExit();
const out = values.out ?? join(config.backup.dir, new Date().toISOString().replace(/[:.]/g, '-'));
await runOnDatabase(config, 'backup', async () => {
  const t = performance.now();
  const m = await backup({ db: mongoose.connection.db!, out, gzip: values.plain ? false : (values.gzip ?? !values.out), fileDirs: { uploads: config.server.uploadDir } });
  const docs = m.collections.reduce((a, c) => a + c.count, 0);
  console.log(`backup of ${m.db}: ${m.collections.length} collections, ${docs} documents, ${m.files.length} files in ${((performance.now() - t) / 1000).toFixed(1)} s → ${out}`);
});
