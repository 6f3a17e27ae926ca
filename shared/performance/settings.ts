// Performance settings: score weights, working hours of each side, escalation and resolution
// windows. Set once at start from the configuration (tests set their own).
import { DEFAULT_WORK_HOURS, type WorkHours } from './hours.js';

export interface PerformanceSettings {
  weights: { delivery: number; responsiveness: number; quality: number };
  supplierHours: WorkHours;
  managerHours: WorkHours;
  /** An overdue milestone done within this many days of its plan counts as resolved in time. */
  resolveWithinDays: number;
  /** Unanswered supplier messages go to the responsible manager after this long, to the backup or head after twice that. */
  escalateAfterMin: number;
}

export const DEFAULT_SETTINGS: PerformanceSettings = {
  weights: { delivery: 0.5, responsiveness: 0.3, quality: 0.2 },
  supplierHours: DEFAULT_WORK_HOURS,
  managerHours: DEFAULT_WORK_HOURS,
  resolveWithinDays: 3,
  escalateAfterMin: 120,
};

let settings: PerformanceSettings = DEFAULT_SETTINGS;
/** Set once at start from the configuration (tests set their own). */
export function configurePerformance(s: Partial<PerformanceSettings>): void {
  settings = { ...DEFAULT_SETTINGS, ...s, weights: { ...DEFAULT_SETTINGS.weights, ...s.weights } };
}
export const performanceSettings = () => settings;
