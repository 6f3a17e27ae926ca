// The XLSX reader's thread (see xlsx-read.ts): told a file, reads it with exceljs and sends its
// sheets and rows a batch at a time, at most AHEAD batches before the import asked for them;
// then waits for the next file (it is given one only after it said `done` for the last).
import { parentPort } from 'node:worker_threads';
import { AHEAD, ROWS_PER_MESSAGE, xlsxSheetsHere, type RawRow, type WorkerHears, type WorkerSays } from './xlsx-read.js';

// Imported anywhere but in the worker (a test importing every module), it does nothing.
const port = parentPort;
const send = (m: WorkerSays) => port?.postMessage(m);
let credit = 0;
let wake: (() => void) | undefined;
const turn = async () => {
  while (credit <= 0) await new Promise<void>((ok) => (wake = ok));
  credit--;
};

async function read(path: string): Promise<void> {
  credit = AHEAD;
  try {
    for await (const sheet of xlsxSheetsHere(path)) {
      send({ sheet: sheet.name });
      let batch: RawRow[] = [];
      for await (const r of sheet.rows) {
        batch.push(r);
        if (batch.length >= ROWS_PER_MESSAGE) {
          await turn();
          send({ rows: batch });
          batch = [];
        }
      }
      if (batch.length) {
        await turn();
        send({ rows: batch });
      }
    }
    send({ done: true });
  } catch (err) {
    send({ error: (err as Error).message });
  }
}

port?.on('message', (m: WorkerHears) => {
  if (m !== 'more') return void read(m.read);
  credit++;
  wake?.();
});
