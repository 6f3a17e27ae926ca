// The milestone chain (PRODUCT.md), as commands name it. Kept in step with shared/orders.
export const MILESTONE_NAMES = [
  'confirmed',
  'materials',
  'production_start',
  'production_done',
  'inspection',
  'shipped',
  'customs_cleared',
  'delivered',
] as const;
export type MilestoneName = (typeof MILESTONE_NAMES)[number];
