// Registers every Mongoose model, so indexes can be created once at start (ensureIndexes) and
// tests see the real unique constraints. Each domain adds its model module here. Models only:
// nothing imported here registers a reaction (those are wired by shared/reactions.ts).
import './suppliers/model.js';
import './managers/model.js';
import './threads/model.js';
import './threads/friends.js';
import './health/model.js';
import './translation/model.js';
import './orders/model.js';
import './auth/index.js';
import './notices/model.js';
import './managers/accounts.js';
import './managers/link.js';
import './inbox/index.js';
import './performance/model.js';
import './money/index.js';
import './prices/model.js';
import './claims/model.js';
import './facts/model.js';
