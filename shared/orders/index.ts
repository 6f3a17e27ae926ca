// Purchase orders and their milestones. The domain's only door: plain inputs in, plain objects
// out; idempotent writes (client keys + version guards); full change history. Every write is
// told as `order.written` (shared/events); see CONTEXT.md.
export {
  MILESTONES,
  CURRENCIES,
  INCOTERMS,
  ORDER_STATUSES,
  VIAS,
  type OrderStatus,
  type Via,
  Order,
  OrderEvent,
  OrderIndex,
  OrderIndexHead,
  IdempotencyKey,
  OrderBoardRow,
  LeadTime,
  ImportMapping,
  type MilestoneName,
  type OrderDoc,
  type MilestoneDoc,
  type OrderLine,
  type OrderRef,
} from './model.js';
export { addOrderRef } from './refs.js';
export {
  BUYER_MILESTONES,
  computeDueDay,
  computeNext,
  dayOf,
  daysBehind,
  daysLate,
  isOverdue,
  overdueMilestones,
  ownerOf,
  scanFields,
  undatedMilestones,
  type LateMilestone,
  type OwnerSide,
} from './rules.js';
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
export { BOARD_VIEWS, boardFor, clearBoardCache, boardRowOf, boardDocOf, rebuildBoard, syncBoardRow, type Board, type BoardFilter, type BoardItem, type BoardRow, type BoardView } from './board.js';
export { DEFAULT_LEAD_TIMES, leadTimeFor, proposePlanned, setLeadTime, type LeadStep, type LeadTemplate } from './leadtimes.js';
export { ORDER_ACTIONS, createOrderFor, orderDefaults, planChange, replanOrder, setOrderStatus, type OrderAction } from './manage.js';
export {
  IMPORT_FIELDS,
  TEMPLATE_HEADERS,
  importListenersIdle,
  importListenersPending,
  importOrders,
  importTemplate,
  TEMPLATE_LANGS,
  parseDate,
  parseNumber,
  rememberedMapping,
  type ImportField,
  type ImportResult,
  type Mapping,
  type Problem,
} from './import.js';
