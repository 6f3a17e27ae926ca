import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/** The languages a manager reads: English, Russian, Azerbaijani (Latin script). */
export const MANAGER_LANGS = ['en', 'ru', 'az'] as const;
export type ManagerLang = (typeof MANAGER_LANGS)[number];
/** A stored language as a manager language; English when missing or unknown. */
export const managerLang = (v: unknown): ManagerLang => ((MANAGER_LANGS as readonly unknown[]).includes(v) ? (v as ManagerLang) : 'en');
export const MANAGER_ROLES = ['admin', 'head', 'manager'] as const;
export type ManagerRole = (typeof MANAGER_ROLES)[number];

const managerSchema = new Schema(
  {
    name: { type: String, required: true },
    // WeChat identity of the manager (puppet contact id); commands are accepted only from these.
    // Set by the manager sending `/link <code>` to the bot (shared/managers/link.ts).
    wechatId: { type: String },
    wechatName: { type: String },
    wechatLinkedAt: { type: Date },
    language: { type: String, enum: MANAGER_LANGS, default: 'en' },
    // Shown, marked as such, while the translation into `language` waits for its provider
    // (e.g. an Azerbaijani-speaking manager reads Russian meanwhile). Unset: none.
    secondLanguage: { type: String, enum: MANAGER_LANGS },
    timezone: { type: String, default: 'Europe/Moscow' },
    // Working hours in the manager's own time zone ("09:00"–"18:00"), shown to colleagues.
    workingHours: { type: new Schema({ from: String, to: String }, { _id: false }) },
    // admin: everything, manages accounts; head (head of purchasing): sees all, gets strategic
    // suppliers' overdue notices and escalations; manager: own suppliers (all when seesAll).
    role: { type: String, enum: MANAGER_ROLES, default: 'manager' },
    // A deactivated manager signs in nowhere, gets no notices and runs no commands.
    active: { type: Boolean, default: true },
    deactivatedAt: { type: Date },
    // Web console sign-in (shared/managers/accounts.ts). `login` is lower-cased.
    login: { type: String },
    passwordHash: { type: String },
    // A manager sees the threads and orders of the suppliers they are responsible for, or all
    // of them when allowed; admins always see all.
    seesAll: { type: Boolean, default: false },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date },
  },
  { timestamps: true },
);
// Serves: "is this sender a manager?" on every inbound message and command.
managerSchema.index({ wechatId: 1 }, { unique: true, sparse: true });
// Serves: console sign-in by login name; one account per login.
managerSchema.index({ login: 1 }, { unique: true, sparse: true });

export type ManagerDoc = InferSchemaType<typeof managerSchema> & { _id: mongoose.Types.ObjectId };
export const Manager = mongoose.model('Manager', managerSchema);
