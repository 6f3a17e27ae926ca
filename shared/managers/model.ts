import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const MANAGER_LANGS = ['en', 'ru'] as const;
export type ManagerLang = (typeof MANAGER_LANGS)[number];

const managerSchema = new Schema(
  {
    name: { type: String, required: true },
    // WeChat identity of the manager (puppet contact id); commands are accepted only from these.
    wechatId: { type: String },
    language: { type: String, enum: MANAGER_LANGS, default: 'en' },
    timezone: { type: String, default: 'Europe/Moscow' },
    role: { type: String, enum: ['admin', 'manager', 'head'], default: 'manager' },
    active: { type: Boolean, default: true },
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
