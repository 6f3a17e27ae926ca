// The price point: one PO line's unit price, per order line (kept equal to the order's lines).
import mongoose, { Schema, type Types } from 'mongoose';

const pointSchema = new Schema(
  {
    orderId: { type: Schema.Types.ObjectId, required: true },
    line: { type: Number, required: true },
    orderNumber: { type: String, required: true },
    supplierId: { type: Schema.Types.ObjectId, required: true },
    supplierCode: { type: String, required: true },
    managerId: { type: Schema.Types.ObjectId },
    itemKey: { type: String, required: true },
    item: { type: String, required: true },
    sku: { type: String },
    day: { type: String, required: true }, // the order's date
    qty: { type: Number, required: true },
    unitPrice: { type: String, required: true },
    currency: { type: String, required: true },
    // Set when this price jumped against the supplier's previous one for the item.
    jumpPct: { type: String },
  },
  { versionKey: false },
);
// Serves: one point per order line (upsert), and replacing an order's points.
pointSchema.index({ orderId: 1, line: 1 }, { unique: true });
// Serves: an item's history and the supplier comparison (`find({itemKey})`).
pointSchema.index({ itemKey: 1 });
// Serves: a supplier's price points (reports) and the points an order is compared with
// (`find({supplierId, itemKey})`, the import's batch: `itemKey: {$in}` within the supplier).
pointSchema.index({ supplierId: 1, itemKey: 1 });
export const PricePoint = mongoose.model('PricePoint', pointSchema);

export interface PricePointDoc {
  _id: Types.ObjectId;
  orderId: Types.ObjectId;
  line: number;
  orderNumber: string;
  supplierId: Types.ObjectId;
  supplierCode: string;
  managerId?: Types.ObjectId;
  itemKey: string;
  item: string;
  sku?: string;
  day: string;
  qty: number;
  unitPrice: string;
  currency: string;
  jumpPct?: string;
}
