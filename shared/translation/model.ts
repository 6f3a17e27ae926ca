import mongoose, { Schema } from 'mongoose';

// Translation memory: exact-match reuse by hash of the normalised, term-masked source and the
// language pair. Sources and translations are stored masked (`[0] 已发货` → `[0] has been
// shipped`), so one entry serves every PO number.
const memorySchema = new Schema(
  {
    key: { type: String, required: true }, // sha256(from + to + normalised masked source)
    from: { type: String, required: true },
    to: { type: String, required: true },
    source: { type: String, required: true },
    text: { type: String, required: true },
    origin: { type: String, enum: ['phrasebook', 'machine', 'correction'], required: true },
    provider: { type: String },
    by: { type: Schema.Types.ObjectId },
    bad: { type: Boolean, default: false }, // flagged by staff: not reused until corrected
    updatedAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
// Serves: the lookup of every text before any provider call (`findOne({key})`, `find({key:{$in}})`).
memorySchema.index({ key: 1 }, { unique: true });

export const TranslationMemory = mongoose.model('TranslationMemory', memorySchema);
