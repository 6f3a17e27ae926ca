// Bundled by test/integration/xlsx-reader.test.ts as `npm start` bundles the server
// (scripts/build-server.mjs) and run with plain Node: reads the XLSX named on the command line
// through the bundled reader worker and prints its sheets and row count as JSON.
import { xlsxSheets } from '../../shared/orders/xlsx-read.js';

const out: { sheet: string; rows: number; first: unknown }[] = [];
for await (const s of xlsxSheets(process.argv[2]!)) {
  let rows = 0;
  let first: unknown;
  for await (const r of s.rows) if (!rows++) first = r;
  out.push({ sheet: s.name, rows, first });
}
console.log(JSON.stringify(out));
