// The test process's wiring of the reactions (test/hooks.ts), with the configuration's defaults
// and no translation service. A test that needs the reactions to translate (a supplier's words
// for the manager) rewires them with its own service and restores the default afterwards.
import { loadConfig } from '../../shared/config/index.js';
import { events } from '../../shared/events/index.js';
import { wireReactions, type ReactionDeps } from '../../shared/reactions.js';

let unwire: (() => void) | undefined;

export function wireTestReactions(extra: Partial<Omit<ReactionDeps, 'settings'>> = {}): void {
  unwire?.();
  unwire = wireReactions(events, { settings: loadConfig({}), ...extra });
}
