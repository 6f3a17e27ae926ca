import mongoose, { Schema } from 'mongoose';

// Bot lifecycle events (login, logout, ready, error, scan), kept for /healthz and the console.
const botEventSchema = new Schema(
  {
    bot: { type: String, required: true }, // bot name (one deployment may run several accounts)
    type: { type: String, enum: ['scan', 'login', 'ready', 'logout', 'error', 'start', 'stop'], required: true },
    at: { type: Date, required: true },
    user: { type: String },
    detail: { type: String },
  },
  { versionKey: false },
);
// Serves: latest events of a bot (`find({bot}).sort({at:-1}).limit(n)`).
botEventSchema.index({ bot: 1, at: -1 });

// Alerts for managers raised by the system (bot logged out, translation quota gone, …);
// delivered by the notices outbox on another path when possible. One per key.
const alertSchema = new Schema(
  {
    key: { type: String, required: true }, // e.g. `bot_logout:gendan:2026-11-24T10:00`
    kind: { type: String, required: true },
    text: { type: String, required: true },
    at: { type: Date, required: true },
    status: { type: String, enum: ['open', 'delivered', 'closed'], default: 'open' },
  },
  { versionKey: false },
);
// Serves: idempotent raising of an alert.
alertSchema.index({ key: 1 }, { unique: true });
// Serves: open alerts for delivery (`find({status:'open'})`).
alertSchema.index({ status: 1, at: 1 });

export const BotEvent = mongoose.model('BotEvent', botEventSchema);
export const Alert = mongoose.model('Alert', alertSchema);
