// One report export in a process of its own, so its peak RSS is the export's alone (the
// benchmark's data load stays in the parent). Prints one JSON line: seconds, peak RSS, size.
import { statSync } from 'node:fs';
import mongoose from 'mongoose';
import { connectMongoose } from '../shared/db/index.js';
import '../shared/models.js';
import { writeReport, type ReportFormat } from '../shared/reports/export.js';
import { DEFAULT_SETTINGS } from '../shared/performance/index.js';

const [format, uri, name, from, to, path] = process.argv.slice(2) as [ReportFormat, string, string, string, string, string];
await connectMongoose(uri, name, 5);
let peak = process.memoryUsage().rss;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
const t = performance.now();
const data = await writeReport(format, { from, to, label: 'bench', currency: 'USD', now: new Date('2026-11-24T08:00:00Z'), weights: DEFAULT_SETTINGS.weights }, path);
const s = (performance.now() - t) / 1000;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
console.log(JSON.stringify({ s, peakMb: Math.round(peak / 1024 / 1024), bytes: statSync(path).size, orders: data.orders, total: data.converted }));
await mongoose.disconnect();
process.exit(0);
