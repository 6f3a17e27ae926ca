// Supplier performance: KPIs per supplier and month, kept current by increments (orders,
// milestones, customs, claims as they are written; response times as messages are mirrored) and
// recomputed from the data by a nightly reconcile; scorecards with classes A–D and plain
// reasons; segment proposals; manager benchmarking. The domain's only door (see CONTEXT.md).
//
// Nothing here registers itself anywhere: the listeners (`onOrderWritten`, `onClaimWritten`,
// `onRepliesTimed`, `onMirrorFlushed`) are wired to the events by shared/reactions.ts.
export { ManagerKpi, SupplierKpi, SegmentChange, SegmentProposal, type SupplierKpiDoc, type ManagerKpiDoc } from './model.js';
export * from './hours.js';
export { DEFAULT_SETTINGS, type KpiWeights, type PerformanceSettings, type ReplyHours } from './settings.js';
export { MONEY_SCALE, fromUnits, toUnits } from './money.js';
export { claimContribution, onClaimWritten, onOrderWritten, onOrdersImported, orderContribution, type ClaimLike } from './kpis.js';
// The reply-time machine lives with the threads (it is thread state); re-exported for callers here.
export { sideOf, step, type AwaitState, type ResponseSample, type Side } from '../threads/index.js';
export { RESPONSE_FLUSH_MS, flushResponses, onMirrorFlushed, onRepliesTimed, queueResponses, recordResponses } from './responses.js';
export { reconcileKpis } from './reconcile.js';
export { THRESHOLDS, scorecardOf, supplierScorecard, type Scorecard } from './scorecard.js';
export { decideProposal, proposeSegments, setSegment } from './segments.js';
export { managerRanking, type ManagerRow } from './benchmarking.js';
export { escalateUnanswered, unansweredText } from './routing.js';
export * from './queries.js';
