// Purchase orders and their milestones. The domain's only door: plain inputs in, plain objects
// out; idempotent writes (client keys + version guards); full change history. Every write is
// told as `order.written` (shared/events); see CONTEXT.md.
export { MILESTONES, CURRENCIES, INCOTERMS, Order, OrderEvent, OrderIndex, OrderIndexHead, IdempotencyKey, type MilestoneName, type OrderDoc, type MilestoneDoc, type OrderLine } from './model.js';
export { BUYER_MILESTONES, computeDueDay, computeNext, dayOf, daysLate, isOverdue, overdueMilestones, ownerOf, scanFields, undatedMilestones, type LateMilestone, type OwnerSide } from './rules.js';
export { findOrderByNumber, getOrder, listOrders, listOverdue, orderHistory, ordersDueOn, overdue, undatedOrders, type Page, type Scope } from './queries.js';
export { clearOrderListCache, listOrdersForSupplier, rebuildOrderIndex, reconcileOrderIndexes, syncOrderIndex, type OrderListItem } from './list.js';
export { pruneIdempotencyKeys } from './idempotency.js';
export {
  MAX_PHOTOS,
  addMilestonePhoto,
  answerReadiness,
  createOrder,
  markReadinessAsked,
  reconcileScanFields,
  reportCustoms,
  updateMilestone,
  updateOrder,
  type CustomsUpdate,
  type MilestoneUpdate,
  type NewOrder,
  type OrderLineInput,
  type OrderPatch,
  type ReadinessAnswer,
  type WriteResult,
} from './writes.js';
export * from './visible.js';
