import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const MESSAGE_TYPES = ['text', 'image', 'file', 'voice', 'video', 'link', 'miniprogram', 'emoticon', 'contact', 'location', 'other'] as const;
export const LANGS = ['zh', 'en', 'ru', 'az', 'other'] as const;
/** The thread-day key of a message (Message.td). */
export const threadDay = (threadId: { toString(): string }, ts: Date) => `${String(threadId)}|${ts.toISOString().slice(0, 10)}`;
export type Lang = (typeof LANGS)[number];
export const CONTACT_STATUSES = ['unsorted', 'sorted', 'colleague', 'ignored'] as const;
export const THREAD_STATUSES = ['unsorted', 'sorted', 'colleague', 'ignored'] as const;
/** What a person decided a new contact is (PRODUCT.md "Who is a supplier"). */
export const SORT_DECISIONS = ['supplier', 'contact', 'colleague', 'ignore'] as const;
export type SortDecisionKind = (typeof SORT_DECISIONS)[number];
export const TRANSLATION_STATUSES = ['pending', 'done', 'skipped', 'failed'] as const;

// A contact is a person on the supplier side, with a WeChat identity.
const contactSchema = new Schema(
  {
    wechatId: { type: String, required: true }, // puppet contact id
    name: { type: String, required: true },
    alias: { type: String },
    phone: { type: String },
    company: { type: String },
    supplierId: { type: Schema.Types.ObjectId },
    role: { type: String }, // sales, 跟单员, QC, logistics; forwarder, agent, inspector …
    language: { type: String, default: 'zh' },
    timezone: { type: String, default: 'Asia/Shanghai' },
    // Sorting (shared/threads/sorting.ts): a new WeChat contact lands 'unsorted' and a person
    // decides what it is. Missing on contacts from before sorting existed: those have a supplier.
    status: { type: String, enum: CONTACT_STATUSES },
    sortedAs: { type: String, enum: SORT_DECISIONS },
    sortedBy: { type: String },
    sortedAt: { type: Date },
    // A colleague: the manager this WeChat belongs to.
    managerId: { type: Schema.Types.ObjectId },
    // The chats this contact wrote in (their private chat, rooms): what sorting attaches, and
    // the rooms that propose a supplier for them.
    threadIds: { type: [Schema.Types.ObjectId], default: [] },
  },
  { timestamps: true },
);
// Serves: resolve the sender of every inbound message; one contact per WeChat identity.
contactSchema.index({ wechatId: 1 }, { unique: true });
// Serves: contacts of a supplier (supplier card, notices).
contactSchema.index({ supplierId: 1 });
// Serves: duplicate check by phone.
contactSchema.index({ phone: 1 }, { sparse: true });
// Serves: the unsorted list (`find({status: 'unsorted'})`).
contactSchema.index({ status: 1 }, { sparse: true });

// A thread is one WeChat conversation: a 1:1 chat with a contact or a group room.
const threadSchema = new Schema(
  {
    key: { type: String, required: true }, // `dm:<contact wechat id>` or `room:<room id>`
    kind: { type: String, enum: ['dm', 'room'], required: true },
    roomId: { type: String },
    contactWechatId: { type: String },
    topic: { type: String },
    supplierId: { type: Schema.Types.ObjectId },
    lastMessageAt: { type: Date },
    // Last message from the supplier side / from our side: "needs reply" in the console inbox.
    lastInAt: { type: Date },
    lastOutAt: { type: Date },
    messageCount: { type: Number, default: 0 },
    // Live updates (shared/live): the UTC minute and time of the last visible change.
    pulse: { type: String },
    touchedAt: { type: Date },
    // Who owes an answer and since when (shared/performance): 'manager' = a supplier message
    // waits for our reply (escalation reads these), 'supplier' = we wait for theirs.
    awaiting: { type: String, enum: ['supplier', 'manager'] },
    awaitingSince: { type: Date },
    // The UTC days that have messages (YYYY-MM-DD), for thread pages by day (see Message.td).
    days: { type: [String], default: [] },
    // Target languages of this thread's translations; empty = the configured manager languages.
    targetLangs: { type: [String], default: [] },
    // 'unsorted': a chat nobody has decided on yet (no supplier); 'ignored': not mirrored;
    // 'colleague': a manager's private chat with the bot; 'sorted': belongs to a supplier.
    status: { type: String, enum: THREAD_STATUSES },
    // The private chat of a forwarder, agent or inspector filed under a supplier: part of its
    // history, but not where the supplier's notices and replies go.
    thirdParty: { type: Boolean },
    sortedAs: { type: String, enum: SORT_DECISIONS },
    sortedBy: { type: String },
    sortedAt: { type: Date },
  },
  { timestamps: true },
);
// Serves: find-or-create of the thread of every inbound message (upsert by key).
threadSchema.index({ key: 1 }, { unique: true });
// Serves: threads of a supplier (console inbox filter, `/thread CODE`).
threadSchema.index({ supplierId: 1, lastMessageAt: -1 });
// Serves: the escalation of unanswered supplier messages (`find({awaiting:'manager'})`).
threadSchema.index({ awaiting: 1 }, { sparse: true });
// Serves: the console's live poll (`find({pulse: <this minute>})`).
threadSchema.index({ pulse: 1 }, { sparse: true });
// Serves: the unsorted list (`find({status: 'unsorted'})`).
threadSchema.index({ status: 1 }, { sparse: true });

const translationSchema = new Schema(
  {
    text: { type: String, required: true },
    source: { type: String, enum: ['machine', 'memory', 'phrasebook', 'correction'], required: true },
    provider: { type: String },
    at: { type: Date, default: () => new Date() },
    by: { type: Schema.Types.ObjectId }, // manager who corrected
  },
  { _id: false },
);

const messageSchema = new Schema(
  {
    threadId: { type: Schema.Types.ObjectId, required: true },
    // Thread and UTC day, `<threadId>|YYYY-MM-DD`: a thread page reads a day's messages by one
    // equality. The embedded engine sorts in Go whatever the equality returns, so `{threadId}`
    // alone would sort every message of a 5,000-message thread for each page.
    td: { type: String },
    supplierId: { type: Schema.Types.ObjectId },
    // The puppet's message id; unique, so a redelivered event is one record.
    puppetId: { type: String, required: true },
    // Second guard for puppets that redeliver with a new id: hash of chat + sender + text + time bucket.
    dedupeKey: { type: String, required: true },
    direction: { type: String, enum: ['in', 'out'], required: true },
    senderWechatId: { type: String },
    senderName: { type: String },
    senderKind: { type: String, enum: ['supplier', 'manager', 'bot', 'unknown'], default: 'unknown' },
    type: { type: String, enum: MESSAGE_TYPES, default: 'text' },
    text: { type: String, default: '' },
    media: {
      type: new Schema(
        {
          name: String,
          mimeType: String,
          size: Number,
          durationSec: Number,
          url: String,
          title: String,
          description: String,
          appId: String,
          width: Number,
          height: Number,
          storedPath: String,
          // The bytes kept in the file store (shared/storage), or why not (over MAX_CHAT_MEDIA_MB, download failed).
          storedKey: String,
          notStored: String,
        },
        { _id: false },
      ),
    },
    ts: { type: Date, required: true }, // when WeChat says it was sent
    receivedAt: { type: Date, default: () => new Date() },
    lang: { type: String, enum: LANGS },
    // Filled by translation: translations.en / .ru / .zh.
    translations: { type: Map, of: translationSchema, default: {} },
    translationStatus: { type: String, enum: TRANSLATION_STATUSES, default: 'pending' },
    translationAttempts: { type: Number, default: 0 },
    translationError: { type: String },
    flaggedBad: { type: Boolean, default: false },
    // For manager commands: executed / refused (offline backlog), so a replay does not run twice.
    commandStatus: { type: String },
    // Recalled (撤回) by its sender: kept with its translation for the record, never translated
    // or run as a command after that.
    recalledAt: { type: Date },
    // Room membership and topic changes shown in the thread (type 'other', never translated).
    roomEvent: {
      type: new Schema({ kind: { type: String, enum: ['join', 'leave', 'topic'] }, members: [String], by: String, topic: String, oldTopic: String }, { _id: false }),
    },
  },
  { timestamps: false },
);
// Serves: exactly-once storage of each WeChat message.
messageSchema.index({ puppetId: 1 }, { unique: true });
// Serves: the second exactly-once guard (redelivery with a new id).
messageSchema.index({ dedupeKey: 1 }, { unique: true });
// Serves: thread pages, newest first (`find({threadId}).sort({ts:-1}).limit(50)`).
messageSchema.index({ threadId: 1, ts: -1 });
// Serves: thread pages, a day at a time (`find({td})`, see shared/inbox threadMessages).
messageSchema.index({ td: 1 }, { sparse: true });
// Serves: the translation backlog job (`find({translationStatus:'pending'})`).
messageSchema.index({ translationStatus: 1, ts: 1 });

export type ContactDoc = InferSchemaType<typeof contactSchema> & { _id: mongoose.Types.ObjectId };
export type ThreadDoc = InferSchemaType<typeof threadSchema> & { _id: mongoose.Types.ObjectId };
export type MessageDoc = InferSchemaType<typeof messageSchema> & { _id: mongoose.Types.ObjectId };

export const Contact = mongoose.model('Contact', contactSchema);
export const Thread = mongoose.model('Thread', threadSchema);
export const Message = mongoose.model('Message', messageSchema);
