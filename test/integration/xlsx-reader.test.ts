// The import's XLSX reader runs exceljs in a worker thread (shared/orders/xlsx-read.ts): the rows
// that come back are the ones read in the thread itself (dates, numbers, formula results, cell
// errors), a file left early or broken does not spoil the next, and the bundle `npm start` runs
// finds its worker.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { xlsxSheets, xlsxSheetsHere, type RawRow } from '../../shared/orders/xlsx-read.js';
// @ts-expect-error the build script is plain JavaScript (no types)
import { bundle } from '../../scripts/build-server.mjs';

const fixture = fileURLToPath(new URL('../fixtures/orders.xlsx', import.meta.url));
type Sheets = AsyncGenerator<{ name: string; rows: AsyncIterable<RawRow> }>;
const readAll = async (sheets: Sheets) => {
  const out: { name: string; rows: RawRow[] }[] = [];
  for await (const s of sheets) {
    const rows: RawRow[] = [];
    for await (const r of s.rows) rows.push(r);
    out.push({ name: s.name, rows });
  }
  return out;
};

describe('XLSX reader in a worker thread', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'gendan-xlsx-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same sheets and rows as reading in the thread itself (serial dates, numbers, formulas, errors)', async () => {
    const here = await readAll(xlsxSheetsHere(fixture));
    expect(here.map((s) => s.name)).to.deep.equal(['说明', '订单']);
    expect(here[1]!.rows.length).to.be.greaterThan(3);
    expect(await readAll(xlsxSheets(fixture))).to.deep.equal(here);
    // Cells of every kind: a date (its serial number: styles are not read; the import parses serials),
    // a number, a formula's result, one without a result, an error.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Kinds');
    ws.addRow(['PO-1', new Date(Date.UTC(2026, 11, 5)), 12.5, { formula: 'C1*2', result: 25 }, { formula: 'C1*3' }, { error: '#DIV/0!' }]);
    const kinds = join(dir, 'kinds.xlsx');
    await wb.xlsx.writeFile(kinds);
    const inThread = await readAll(xlsxSheetsHere(kinds));
    const cells = inThread[0]!.rows[0]!.cells;
    expect(cells.slice(0, 4)).to.deep.equal(['PO-1', 46361, 12.5, 25]);
    expect(cells[4]).to.have.nested.property('error.key', 'import.formulaNoResult');
    expect(cells[5]).to.have.nested.property('error.key', 'import.cellError');
    const inWorker = await readAll(xlsxSheets(kinds)); // the warm worker kept from the first read
    expect(inWorker).to.deep.equal(inThread);
  });

  it('a file left after its first rows, then a broken one, then a good one: each read or refused on its own', async () => {
    const early = xlsxSheets(fixture);
    const first = await early.next();
    expect(first.done).to.equal(false);
    await early.return(undefined); // the import stops early (no header, too many rows)
    const broken = join(dir, 'broken.xlsx');
    writeFileSync(broken, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]));
    let err: Error | undefined;
    await readAll(xlsxSheets(broken)).catch((e: Error) => (err = e));
    expect(err, 'a broken zip is an error').to.be.instanceOf(Error);
    expect((await readAll(xlsxSheets(fixture)))[1]!.rows).to.deep.equal((await readAll(xlsxSheetsHere(fixture)))[1]!.rows);
  });

  it('as `npm start` runs it: the bundle finds its bundled worker and reads the file', async () => {
    const entry = fileURLToPath(new URL('../support/xlsx-bundle-entry.ts', import.meta.url));
    const file = (await bundle(entry, 'test-xlsx-bundle-entry')) as string;
    const r = spawnSync(process.execPath, [file, fixture], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { sheet: string; rows: number; first: { row: number } }[];
    const here = await readAll(xlsxSheetsHere(fixture));
    expect(out.map((s) => [s.sheet, s.rows])).to.deep.equal(here.map((s) => [s.name, s.rows.length]));
    expect(out[1]!.first.row).to.equal(here[1]!.rows[0]!.row);
    rmSync(file, { force: true });
    rmSync(`${file}.map`, { force: true });
  });
});
