// Claims: defects, shortages, wrong items, transit damage and late delivery against a PO (and
// line), from report to settlement. Statuses move only along TRANSITIONS, each move one guarded
// update (status + version) that records who, when and why: of concurrent moves exactly one
// wins, a forbidden one changes nothing. Sending a claim tells the supplier's chat in Chinese;
// reminders follow daily until answered (outbox rules: quiet hours, holidays, once per day).
// The domain's only door (see CONTEXT.md).
export * from './model.js';
export * from './texts.js';
export { canMove, TRANSITIONS, type Actor } from './rules.js';
export { fileClaim, retryClaimTranslation, translateClaim, TRANSLATION_RETRY_MS, type ClaimTranslation, type NewClaim } from './filing.js';
export { getClaim, listClaims } from './reading.js';
export { answerClaim, moveClaim, type MoveOptions } from './moves.js';
export { addClaimPhoto, getClaimPhoto } from './photos.js';
export { scanClaimReminders, scanClaimAnswersOverdue } from './reminders.js';
export { setClaimFacts, type ClaimFacts } from './details.js';
export { claimAnalytics, type ClaimAnalytics } from './analytics.js';
export { claimStats, type ClaimStats } from './history.js';
export * from './visible.js';
