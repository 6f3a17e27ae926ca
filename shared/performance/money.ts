// Exact money arithmetic for KPI counters: amounts are kept as integers in 1/10,000 units.

export const MONEY_SCALE = 10_000n;
/** '12.5' → 125000n (1/10,000 units). Exact; throws on a malformed amount. */
export function toUnits(amount: string): bigint {
  const m = /^(\d{1,15})(?:\.(\d{1,4}))?$/.exec(amount.trim());
  if (!m) throw new Error(`not a decimal amount: ${amount}`);
  return BigInt(m[1]!) * MONEY_SCALE + BigInt((m[2] ?? '').padEnd(4, '0'));
}
/** 125000 → '12.50' (at least two decimals). */
export function fromUnits(units: number | bigint): string {
  const u = BigInt(units);
  const neg = u < 0n;
  const a = neg ? -u : u;
  const frac = (a % MONEY_SCALE)
    .toString()
    .padStart(4, '0')
    .replace(/0{1,2}$/, '');
  return `${neg ? '-' : ''}${a / MONEY_SCALE}.${frac.length < 2 ? frac.padEnd(2, '0') : frac}`;
}
