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
  },
  { timestamps: true },
);
// Serves: "is this sender a manager?" on every inbound message and command.
managerSchema.index({ wechatId: 1 }, { unique: true, sparse: true });

export type ManagerDoc = InferSchemaType<typeof managerSchema> & { _id: mongoose.Types.ObjectId };
export const Manager = mongoose.model('Manager', managerSchema);
