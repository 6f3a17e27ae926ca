// Performance settings: score weights, working hours of each side, escalation and resolution
// windows. They are `config.performance`, passed in by the composition root (scripts/start.ts)
// to whatever needs them; tests pass their own. No module keeps a global copy.
import { loadConfig, type Config } from '../config/index.js';

/**
 * KPI weights, working hours, escalation and resolution limits: `config.performance`, passed in
 * by the composition root (scripts/start.ts) to whatever needs them; tests pass their own.
 */
export type PerformanceSettings = Config['performance'];
export type KpiWeights = PerformanceSettings['weights'];
/** The working hours reply times are counted in. */
export type ReplyHours = Pick<PerformanceSettings, 'supplierHours' | 'managerHours'>;

/** The configuration's defaults (an empty environment), for tests and benches. */
export const DEFAULT_SETTINGS: PerformanceSettings = loadConfig({}).performance;
