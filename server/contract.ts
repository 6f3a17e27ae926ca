// The response shapes of the API, written once: the route table declares them (OpenAPI, response
// checks in tests), server/views.ts returns them (a drift is a type error), and the console
// (server/console/web/src/api.ts) and the mini-program (miniprogram/lib/api.ts) import the types.
import { z } from 'zod';

const id = z.string().meta({ description: '24-character hex id' });
const day = z.string().nullable().meta({ description: 'a calendar day YYYY-MM-DD' });
const when = z.union([z.string(), z.date()]).meta({ description: 'ISO date-time' });

export const orderSummary = z
  .object({
    id,
    number: z.string(),
    supplierCode: z.string(),
    // The code as people see it (`D12 AUGI` once tagged); supplierCode is what links and commands use.
    supplierShownCode: z.string().optional(),
    status: z.string(),
    next: z.object({ milestone: z.string(), planned: day }).nullable(),
    overdue: z.boolean(),
    daysLate: z.number(),
    customs: z.string(),
    // Every late milestone (with its owner side) when the order was read whole.
    late: z.array(z.object({ milestone: z.string(), planned: day, daysLate: z.number(), owner: z.enum(['supplier', 'buyer']) })).optional(),
  })
  .meta({ id: 'OrderSummary' });

export const milestoneView = z.object({
  name: z.string(),
  owner: z.enum(['supplier', 'buyer']).meta({ description: "who answers for the milestone: the factory's (reminders to its chat) or the buyer's (manager only)" }),
  planned: day,
  baseline: day.meta({ description: 'the first agreed date: on-time rates count against it' }),
  actual: day,
  status: z.string(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  // For a manager: the supplier's words in their language (null: not translated yet or not needed).
  reasonTranslated: z.string().nullable().optional(),
  noteTranslated: z.string().nullable().optional(),
  replanned: z.number(),
  photos: z.array(z.object({ id: z.string(), name: z.string().nullish(), size: z.number().nullish() })),
});

export const orderDetail = orderSummary
  .extend({
    managerId: id.nullable(),
    incoterms: z.string().nullable(),
    paymentTerms: z.string().nullish(),
    cancelReason: z.string().nullish(),
    currency: z.string().nullish(),
    lines: z.array(z.object({ item: z.string(), sku: z.string().nullable(), qty: z.number(), unit: z.string(), unitPrice: z.string(), currency: z.string() })),
    milestones: z.array(milestoneView),
    customsDetail: z.object({ status: z.string(), reason: z.string().nullable(), reasonTranslated: z.string().nullable().optional(), expectedDate: day }),
    // The pre-shipment check: the day the supplier was asked, its answer (null: none yet).
    readiness: z
      .object({ asked: day, answer: z.enum(['ready', 'not_ready']).nullable(), date: day, note: z.string().nullable(), noteTranslated: z.string().nullable().optional() })
      .nullable()
      .optional(),
    version: z.number().nullish(),
    updatedAt: when.nullish(),
  })
  .meta({ id: 'OrderDetail' });

export const orderWrite = z.object({ order: orderDetail, changed: z.boolean() }).meta({ id: 'OrderWrite' });

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), page: z.number(), hasMore: z.boolean() });
export const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const messageView = z
  .object({
    id,
    direction: z.string(),
    senderName: z.string().nullable(),
    senderKind: z.string().nullish(),
    type: z.string(),
    text: z.string().nullish(),
    lang: z.string().nullable(),
    media: z
      .object({
        name: z.string().nullable(),
        mimeType: z.string().nullable(),
        size: z.number().nullable(),
        durationSec: z.number().nullable(),
        url: z.string().nullable(),
        title: z.string().nullable(),
        width: z.number().nullable(),
        height: z.number().nullable(),
        file: z.string().nullish(),
        notStored: z.string().nullish(),
      })
      .nullable(),
    ts: when,
    translations: z.record(z.string(), z.object({ text: z.string(), source: z.string().nullish() })),
    translationStatus: z.string().nullish(),
    flaggedBad: z.boolean(),
    original: z.object({ text: z.string(), lang: z.string() }).nullable(),
  })
  .meta({ id: 'Message' });

export const supplierView = z
  .object({
    id,
    code: z.string(),
    tag: z.string().nullable(),
    name: z.string(),
    nameEn: z.string().nullable(),
    segment: z.string(),
    region: z.string().nullable(),
    province: z.string().nullable(),
    timezone: z.string().nullish(),
    managerId: id.nullable(),
    possibleDuplicateOf: z.array(id),
  })
  .meta({ id: 'Supplier' });

export const contactView = z.object({ id, name: z.string(), role: z.string().nullable(), language: z.string().nullish(), timezone: z.string().nullish() }).meta({ id: 'Contact' });

export const threadView = z
  .object({ id, key: z.string(), kind: z.string(), topic: z.string().nullable(), supplierId: id.nullable(), lastMessageAt: when.nullable(), messageCount: z.number().nullish() })
  .meta({ id: 'Thread' });

export const outboxView = z
  .object({
    id,
    to: z.string(),
    kind: z.string(),
    text: z.string(),
    original: z.object({ text: z.string(), lang: z.string().nullish() }).nullable(),
    status: z.string(),
    attempts: z.number(),
    lastError: z.string().nullable(),
    createdAt: when,
    notBefore: when.nullish(),
    sentAt: when.nullable(),
  })
  .meta({ id: 'OutboxItem' });

const fileView = z.object({ id: z.string(), name: z.string().nullish(), url: z.string().optional() });

export const claimView = z
  .object({
    id,
    number: z.string(),
    orderId: id,
    orderNumber: z.string(),
    supplierCode: z.string(),
    supplierShownCode: z.string().optional(),
    line: z.number().nullable(),
    item: z.string().nullable(),
    type: z.string(),
    qty: z.number(),
    amount: z.string().nullable(),
    currency: z.string().nullable(),
    description: z.string(),
    descriptionZh: z.string().nullable().optional(),
    translationStatus: z.string().optional(),
    managerId: id.nullable().optional(),
    photos: z.array(fileView),
    supplierPhotos: z.array(fileView),
    answerDue: day,
    status: z.string(),
    version: z.number().nullish(),
    answer: z.object({ text: z.string().nullable(), textTranslated: z.string().nullable().optional(), decision: z.string(), photos: z.array(fileView), at: when.nullish() }).nullable(),
    settlement: z.object({ kind: z.string(), amount: z.string().optional(), currency: z.string().nullish(), note: z.string().optional() }).nullable(),
    history: z.array(z.object({ from: z.string().nullish(), to: z.string(), by: z.string(), at: when, reason: z.string().nullable() })),
    createdAt: when.nullish(),
    batch: z.string().nullish(),
    receivedOn: day.optional(),
    cause: z.string().nullish(),
    losses: z.object({ goods: z.string().nullish(), freight: z.string().nullish(), other: z.string().nullish(), currency: z.string() }).nullish(),
    decision: z.object({ kind: z.string(), amount: z.string().nullish(), currency: z.string().nullish(), note: z.string().nullish(), at: when.nullish() }).nullish(),
  })
  .meta({ id: 'Claim' });

export const claimAnalytics = z
  .object({
    total: z.number(),
    byType: z.record(z.string(), z.number()),
    byCause: z.record(z.string(), z.number()),
    bySupplier: z.array(z.object({ code: z.string(), count: z.number(), settled: z.number() })),
    byMonth: z.array(z.object({ month: z.string(), count: z.number() })),
    byBatch: z.record(z.string(), z.number()),
    byManager: z.array(z.object({ managerId: z.string(), name: z.string().nullable(), count: z.number() })),
    settled: z.number(),
    settledShare: z.number(),
    medianDaysToSettle: z.number().nullable(),
    amounts: z.record(z.string(), z.object({ claimed: z.string(), losses: z.string(), settled: z.string() })),
  })
  .meta({ id: 'ClaimAnalytics' });

export const consoleUser = z
  .object({
    id,
    name: z.string(),
    login: z.string(),
    role: z.enum(['admin', 'head', 'manager']),
    language: z.string(),
    secondLanguage: z.string().nullish(),
    timezone: z.string(),
    seesAll: z.boolean(),
  })
  .meta({ id: 'ConsoleUser' });

export const inboxItem = z
  .object({
    id,
    key: z.string(),
    kind: z.string(),
    title: z.string(),
    supplier: z.object({ id, code: z.string(), tag: z.string().nullish(), shownCode: z.string().optional(), name: z.string(), segment: z.string() }).nullable(),
    lastMessageAt: when.nullable(),
    messageCount: z.number(),
    unread: z.number(),
    needsReply: z.boolean(),
  })
  .meta({ id: 'InboxItem' });

export const supplierCard = z
  .object({
    id,
    code: z.string(),
    shownCode: z.string().optional(),
    tag: z.string().nullable(),
    name: z.string(),
    nameEn: z.string().nullable(),
    segment: z.string(),
    timezone: z.string(),
    manager: z.object({ id, name: z.string() }).nullable(),
    contacts: z.array(z.object({ id, name: z.string(), role: z.string().nullable(), phone: z.string().nullish(), timezone: z.string(), language: z.string() })),
    lastContactAt: when.nullable(),
    openOrders: z.array(orderSummary),
  })
  .meta({ id: 'SupplierCard' });

export const scorecard = z
  .object({
    supplierId: z.string().optional(),
    period: z.string(),
    score: z.number().nullable(),
    class: z.string().nullable(),
    trend: z.number().nullable(),
    reasons: z.array(z.string()),
    kpis: z.record(z.string(), z.unknown()),
  })
  .loose()
  .meta({ id: 'Scorecard' });

// The managers of a month ranked (shared/performance/benchmarking.ts ManagerRow) and the open
// segment proposals a manager decides (console Performance page).
export const managerRank = z
  .object({
    managerId: id,
    name: z.string(),
    replies: z.number(),
    replyMedianMin: z.number().nullable(),
    overdueOpen: z.number(),
    resolved: z.number(),
    resolvedInTime: z.number(),
    orders: z.number(),
    rank: z.number(),
  })
  .meta({ id: 'ManagerRank' });
export const managerRanking = z.object({ period: z.string(), items: z.array(managerRank) }).meta({ id: 'ManagerRanking' });

export const segmentProposalView = z.object({ id, code: z.string(), shownCode: z.string().optional(), proposed: z.string(), reason: z.string(), at: when }).meta({ id: 'SegmentProposal' });

export const bindingCode = z.object({ code: z.string(), expiresAt: when }).loose().meta({ id: 'BindingCode' });

const codeRef = z.object({ id, code: z.string(), name: z.string(), tag: z.string().nullish(), shownCode: z.string().optional() });

export const wechatLink = z.object({ linked: z.boolean(), wechatName: z.string().nullish(), linkedAt: when.nullish() }).meta({ id: 'WechatLink' });

export const accountView = consoleUser
  .extend({ active: z.boolean(), wechatName: z.string().nullable(), workingHours: z.object({ from: z.string(), to: z.string() }).nullable() })
  .meta({ id: 'Account' });

export const sessionView = z.object({ id, createdAt: when, expiresAt: when, current: z.boolean() }).meta({ id: 'Session' });

export const unsortedItem = z
  .object({
    kind: z.enum(['contact', 'room']),
    id,
    threadId: z.string().nullish(),
    name: z.string(),
    wechatId: z.string().nullish(),
    roomId: z.string().nullish(),
    phone: z.string().nullish(),
    company: z.string().nullish(),
    messageCount: z.number(),
    lastMessageAt: when.nullish(),
    firstMessages: z.array(z.object({ text: z.string(), type: z.string(), ts: when, senderName: z.string().nullish(), translations: z.record(z.string(), z.string()).optional() })),
    proposals: z.array(z.object({ supplierId: z.string(), code: z.string(), shownCode: z.string().optional(), name: z.string(), reason: z.string() })),
  })
  .meta({ id: 'UnsortedItem' });

export const sortResult = z
  .object({
    kind: z.string(),
    target: z.enum(['contact', 'room']),
    id,
    supplier: z.object({ id, code: z.string(), shownCode: z.string().optional(), name: z.string() }).optional(),
    managerId: z.string().optional(),
    role: z.string().optional(),
    attached: z.object({ threads: z.number(), messages: z.number() }),
    deleted: z.number().optional(),
  })
  .meta({ id: 'SortResult' });

export const friendRequestView = z
  .object({
    id,
    wechatId: z.string(),
    name: z.string(),
    hello: z.string(),
    helloTranslated: z.string().nullable(),
    status: z.string(),
    createdAt: when,
    decidedBy: z.string().nullish(),
    decidedAt: when.nullish(),
  })
  .meta({ id: 'FriendRequest' });

export const possibleDuplicate = z.object({ supplier: codeRef, reasons: z.array(z.string()) }).meta({ id: 'PossibleDuplicate' });

export const supplierProfile = supplierView
  .extend({
    shownCode: z.string(),
    legalName: z.string().nullable(),
    taxId: z.string().nullable(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    port: z.string().nullable(),
    categories: z.array(z.string()),
    certifications: z.array(z.string()),
    capacity: z.string().nullable(),
    load: z.string().nullable(),
    paymentTerms: z.string().nullable(),
    language: z.string(),
    backupManagerId: id.nullable(),
    fairLetter: z.string().nullable(),
    formerCodes: z.array(z.string()),
    merges: z.array(z.object({ code: z.string(), by: z.string(), at: when })),
  })
  .meta({ id: 'SupplierProfile' });

export const supplierWrite = z.object({ supplier: supplierProfile, possibleDuplicates: z.array(possibleDuplicate) }).meta({ id: 'SupplierWrite' });

export const supplierTotals = z
  .object({
    cooperatingSince: when.nullable(),
    ordersCount: z.number(),
    openCount: z.number(),
    byCurrency: z.array(z.object({ currency: z.string(), orders: z.number(), total: z.string(), average: z.string() })),
  })
  .meta({ id: 'SupplierTotals' });

export const fairView = z.object({ letter: z.string(), name: z.string(), city: z.string().nullable(), from: z.string().nullable(), to: z.string().nullable() }).meta({ id: 'Fair' });

/** The supplier page: the card, the whole profile, the figures and the possible duplicates. */
export const supplierPage = supplierCard.extend({ profile: supplierProfile, totals: supplierTotals, possibleDuplicates: z.array(possibleDuplicate) }).meta({ id: 'SupplierPage' });
// ---- orders in: board, defaults, lead times, imports (issue #21) ----

export const boardItem = z
  .object({
    id,
    number: z.string(),
    supplierId: id,
    supplierCode: z.string(),
    supplierShownCode: z.string().optional(),
    supplierName: z.string().nullable(),
    segment: z.string().nullable(),
    managerId: id.nullable(),
    managerName: z.string().nullable(),
    status: z.string(),
    incoterms: z.string().nullable(),
    paymentTerms: z.string().nullable(),
    next: z.object({ milestone: z.string(), planned: day }).nullable(),
    milestones: z.record(z.string(), z.object({ planned: day, actual: day, done: z.boolean() })),
    customs: z.string(),
    lines: z.number(),
    overdue: z.boolean(),
    daysLate: z.number(),
  })
  .meta({ id: 'BoardItem' });

export const board = z
  .object({
    items: z.array(boardItem),
    counts: z.record(z.string(), z.number()),
    suppliers: z.array(z.object({ code: z.string(), shownCode: z.string().optional(), name: z.string() })),
    managers: z.array(z.object({ id, name: z.string() })),
  })
  .meta({ id: 'Board' });

const leadStep = z.object({ days: z.number().int(), from: z.enum(['order', 'shipped']) });
export const leadTemplate = z.record(z.string(), leadStep).meta({ id: 'LeadTemplate' });

export const orderDefaults = z
  .object({
    supplierCode: z.string(),
    managerId: id.nullable(),
    paymentTerms: z.string().nullable(),
    template: leadTemplate,
    templateSource: z.enum(['supplier', 'company', 'builtin']),
    planned: z.record(z.string(), z.string()),
  })
  .meta({ id: 'OrderDefaults' });

export const importResult = z
  .object({
    dryRun: z.boolean(),
    written: z.boolean(),
    sheet: z.string().nullable(),
    headerRow: z.number(),
    headers: z.array(z.string()),
    mapping: z.record(z.string(), z.string()),
    rows: z.number(),
    counts: z.object({ create: z.number(), update: z.number(), unchanged: z.number(), skip: z.number(), problems: z.number() }),
    orders: z.array(
      z.object({ number: z.string(), supplierCode: z.string(), action: z.enum(['create', 'update', 'unchanged', 'skip']), lines: z.number(), rows: z.array(z.number()), changes: z.array(z.string()) }),
    ),
    problems: z.array(z.object({ row: z.number(), column: z.number().nullable(), field: z.string(), message: z.string() })),
  })
  .meta({ id: 'ImportResult' });

export const historyEntry = z.object({
  at: when,
  by: z.string(),
  via: z.string().nullable(),
  kind: z.string(),
  milestone: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
});

export type BoardView = z.infer<typeof board>;
export type BoardItemView = z.infer<typeof boardItem>;
export type OrderDefaultsView = z.infer<typeof orderDefaults>;
export type ImportResultView = z.infer<typeof importResult>;
export type HistoryEntryView = z.infer<typeof historyEntry>;

export type OrderSummary = z.infer<typeof orderSummary>;
export type OrderDetail = z.infer<typeof orderDetail>;
export type MessageView = z.infer<typeof messageView>;
export type SupplierView = z.infer<typeof supplierView>;
export type ContactView = z.infer<typeof contactView>;
export type ThreadView = z.infer<typeof threadView>;
export type OutboxView = z.infer<typeof outboxView>;
export type ClaimView = z.infer<typeof claimView>;
export type ClaimAnalyticsView = z.infer<typeof claimAnalytics>;
export type ConsoleUserView = z.infer<typeof consoleUser>;
export type InboxItemView = z.infer<typeof inboxItem>;
export type SupplierCardView = z.infer<typeof supplierCard>;
export type ScorecardView = z.infer<typeof scorecard>;
export type ManagerRankingView = z.infer<typeof managerRanking>;
export type SegmentProposalView = z.infer<typeof segmentProposalView>;
export type WechatLinkView = z.infer<typeof wechatLink>;
export type AccountView = z.infer<typeof accountView>;
export type SessionView = z.infer<typeof sessionView>;
export type UnsortedItemView = z.infer<typeof unsortedItem>;
export type SortResultView = z.infer<typeof sortResult>;
export type FriendRequestView = z.infer<typeof friendRequestView>;
export type PossibleDuplicateView = z.infer<typeof possibleDuplicate>;
export type SupplierProfileView = z.infer<typeof supplierProfile>;
export type SupplierWriteView = z.infer<typeof supplierWrite>;
export type SupplierTotalsView = z.infer<typeof supplierTotals>;
export type FairView = z.infer<typeof fairView>;
export type SupplierPageView = z.infer<typeof supplierPage>;

/** A shape as it crosses the wire (JSON): dates arrive as ISO strings. */
export type Wire<T> = T extends Date ? string : T extends (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

// Chat to facts (shared/facts): a proposal read from a supplier's message, and an order's facts.
export const proposalView = z
  .object({
    id,
    n: z.number().nullable(),
    messageId: id,
    threadId: id,
    orderId: id.nullable(),
    orderNumber: z.string().nullable(),
    candidates: z.array(z.string()),
    link: z.enum(['po', 'only', 'thread', 'pick']),
    fact: z.object({ kind: z.enum(['date', 'price', 'qty', 'container', 'bl', 'tracking', 'holiday']) }).loose(),
    key: z.string(),
    source: z.enum(['rules', 'model']),
    uncertain: z.array(z.string()),
    text: z.string(),
    sender: z.string().nullable(),
    at: when,
    status: z.enum(['proposed', 'applying', 'applied', 'dropped']),
    error: z.string().nullable(),
    decidedAt: when.nullable(),
    url: z.string().nullable(),
  })
  .meta({ id: 'Proposal' });
export const proposalList = z.object({ items: z.array(proposalView) }).meta({ id: 'ProposalList' });
const closureRange = z.object({ from: z.string(), to: z.string() });
export const orderFacts = z
  .object({
    proposals: z.array(proposalView),
    closures: z.array(closureRange),
    flagged: z.array(z.object({ milestone: z.string(), planned: z.string(), closure: closureRange })),
    refs: z.array(
      z.object({ kind: z.string(), carrier: z.string().nullish(), number: z.string().nullish(), url: z.string().nullish(), qty: z.number().nullish(), unit: z.string().nullish() }).loose(),
    ),
  })
  .meta({ id: 'OrderFacts' });
export const proposalDecision = z.object({ proposal: proposalView, summary: z.string() }).meta({ id: 'ProposalDecision' });
export type ProposalViewT = z.infer<typeof proposalView>;
export type OrderFactsView = z.infer<typeof orderFacts>;
