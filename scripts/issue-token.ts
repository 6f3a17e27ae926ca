// Prints a manager API token: `npx tsx scripts/issue-token.ts <manager name> [admin]`. Creates
// the manager when missing. Uses the same database as `npm start` (MONGODB_URI or embedded).
import { loadConfigOrExit } from '../shared/config/index.js';
import { managerToken } from '../shared/auth/index.js';
import { Manager } from '../shared/managers/model.js';
import { runOnDatabase } from './on-database.js';

const [name, role] = process.argv.slice(2);
if (!name) {
  console.error('usage: npx tsx scripts/issue-token.ts <manager name> [admin]');
  process.exit(2);
}
const config = loadConfigOrExit();
if (!config.server.sessionSecret) {
  console.error('SESSION_SECRET must be set: without it tokens die with the process that signed them.');
  process.exit(2);
}
await runOnDatabase(config, 'issue-token', async () => {
  await Manager.updateOne({ name }, { $setOnInsert: { name, role: role === 'admin' ? 'admin' : 'manager' } }, { upsert: true });
  const m = await Manager.findOne({ name }).lean();
  console.log(await managerToken(config, String(m!._id)));
});
