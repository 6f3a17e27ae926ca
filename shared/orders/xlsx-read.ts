// Reading an XLSX for the import: exceljs' streaming reader, in a worker thread
// (shared/orders/xlsx-worker.ts) that hands the rows back a batch at a time. Why a thread:
// exceljs makes ~200 MB of short-lived objects to read 10,000 lines (110,000 cells); in the
// server's heap that garbage let V8 grow the heap by 100+ MB during an import (peak RSS 280 or
// 370 MB depending on when V8 collected; the same orders from a CSV: 246–275 MB). The worker's
// heap is small and bounded (resourceLimits); one warm worker is kept a minute for the next file.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import { msg, type Msg } from '../errors/index.js';
import { repoRoot } from '../paths.js';

/** A cell as the import reads it: text, number or date; a formula without a result or a cell error as a problem. */
export type Cell = string | number | Date | null | { error: Msg };

/** A row of the file: its number (1-based, as the spreadsheet shows it) and its cells. */
export interface RawRow {
  row: number;
  cells: Cell[];
}

/** exceljs cell value → Cell: formulas give their cached result, rich text its text. */
function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'object') {
    const o = v as { formula?: string; sharedFormula?: string; result?: unknown; richText?: { text: string }[]; text?: string; error?: string };
    if ('formula' in o || 'sharedFormula' in o) {
      if (o.result === undefined || o.result === null) return { error: msg('import.formulaNoResult', { formula: String(o.formula ?? o.sharedFormula) }) };
      if (typeof o.result === 'object' && o.result !== null && 'error' in (o.result as object)) return { error: msg('import.formulaError', { error: (o.result as { error: string }).error }) };
      return cellOf(o.result);
    }
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (typeof o.text === 'string') return o.text;
    if (typeof o.error === 'string') return { error: msg('import.cellError', { error: o.error }) };
  }
  return String(v);
}

/** The sheets of an XLSX read in this thread (the worker runs this; tests may too). */
export async function* xlsxSheetsHere(path: string): AsyncGenerator<{ name: string; rows: AsyncIterable<RawRow> }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' } as never);
  for await (const ws of reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row> & { name: string }>) {
    const name = (ws as unknown as { name: string }).name;
    async function* rows(): AsyncGenerator<RawRow> {
      for await (const r of ws) {
        const values = r.values as unknown[];
        const cells: Cell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellOf(values[i]));
        yield { row: r.number, cells };
      }
    }
    yield { name, rows: rows() };
  }
}

/** What the worker says (in order, per file): a sheet begins, a batch of its rows, the file is read, or it failed. */
export type WorkerSays = { sheet: string } | { rows: RawRow[] } | { done: true } | { error: string };
/** What the worker is told: read this file, or send the next batch. */
export type WorkerHears = { read: string } | 'more';

/** Rows per message from the worker. */
export const ROWS_PER_MESSAGE = 500;
/** Batches the worker may read ahead of the import. */
export const AHEAD = 2;
/** The worker's heap: the reader's garbage stays in it; a file beyond it is refused, not the server's memory. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 24 };
/** A worker that read a file to its end waits this long for the next (an import's preview and its confirmation read the file twice). */
const IDLE_MS = 60_000;

/**
 * A new worker: the bundle's (scripts/build-server.mjs builds .cache/build/xlsx-worker.mjs beside
 * the server's), or, when the sources run through tsx (tests, development), its TypeScript with
 * tsx registered in the thread first (Node 20 does not hand a loader registered on the main
 * thread to workers).
 */
function startWorker(): Worker {
  const opts = { resourceLimits: WORKER_LIMITS, stdout: false, stderr: false };
  if (!import.meta.url.endsWith('.ts')) return new Worker(join(repoRoot, '.cache', 'build', 'xlsx-worker.mjs'), opts);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./xlsx-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`, { ...opts, eval: true });
}

// One warm worker kept between files (starting one and warming its code costs ~0.4 s); a second
// file read at the same time gets a worker of its own, let go when done.
let idle: { worker: Worker; timer: NodeJS.Timeout } | undefined;
const take = (): Worker => {
  if (!idle) return startWorker();
  clearTimeout(idle.timer);
  const { worker } = idle;
  idle = undefined;
  return worker;
};
const giveBack = (worker: Worker) => {
  if (idle) return void worker.terminate();
  const timer = setTimeout(() => {
    if (idle?.worker === worker) idle = undefined;
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  worker.unref(); // an idle reader never keeps the process alive
  idle = { worker, timer };
};

/**
 * The sheets of an XLSX, read in a worker thread: each sheet's name, then its rows as the
 * caller pulls them. Leaving early (return) stops that worker. A failure to read (not a zip, a
 * broken sheet, a file too big for the worker's heap) is thrown as an Error with the reason.
 */
export async function* xlsxSheets(path: string): AsyncGenerator<{ name: string; rows: AsyncIterable<RawRow> }> {
  const worker = take();
  worker.ref();
  const inbox: WorkerSays[] = [];
  let wake: (() => void) | undefined;
  let failed: Error | undefined;
  let exited = false;
  let done = false;
  const onMessage = (m: WorkerSays) => {
    if ('done' in m) done = true;
    inbox.push(m);
    wake?.();
  };
  const onError = (err: Error & { code?: string }) => {
    failed = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`the file needs more than ${WORKER_LIMITS.maxOldGenerationSizeMb} MB to read`) : err;
    wake?.();
  };
  const onExit = () =>
    setImmediate(() => {
      exited = true; // after the messages it sent before it ended
      wake?.();
    });
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  worker.postMessage({ read: path } satisfies WorkerHears);
  const next = async (): Promise<WorkerSays> => {
    for (;;) {
      const m = inbox.shift();
      if (m) return m;
      if (failed) throw failed;
      if (exited) throw new Error('the reader stopped before the end of the file');
      await new Promise<void>((ok) => (wake = ok));
      wake = undefined;
    }
  };
  let pending: WorkerSays | undefined;
  try {
    for (;;) {
      const m = pending ?? (await next());
      pending = undefined;
      if ('error' in m) throw new Error(m.error);
      if ('done' in m) return;
      if (!('sheet' in m)) continue;
      const name = m.sheet;
      let over = false;
      const rows = async function* (): AsyncGenerator<RawRow> {
        for (;;) {
          const r = await next();
          if ('rows' in r) {
            worker.postMessage('more' satisfies WorkerHears);
            yield* r.rows;
            continue;
          }
          pending = r; // the next sheet, the end, or an error: for the sheets' loop
          over = true;
          return;
        }
      };
      yield { name, rows: rows() };
      if (!over) throw new Error('a sheet must be read to its end before the next one'); // openFile drains every sheet it passes
    }
  } finally {
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
    // Kept for the next file only when it read this one to its end (and said so) and is alive.
    if (done && !failed && !exited) giveBack(worker);
    else await worker.terminate();
  }
}
