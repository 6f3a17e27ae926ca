// The only module that reads process.env. Parsed once with zod; a bad configuration fails at
// start with every bad key listed.
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const langList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(['en', 'ru', 'az'])).min(1));

const ROUTE_LANGS = ['zh', 'en', 'ru', 'az'] as const;
const PROVIDERS = ['tmt', 'openai'] as const;
export interface TranslationRoute {
  a: (typeof ROUTE_LANGS)[number];
  b: (typeof ROUTE_LANGS)[number];
  /** In order of preference. */
  providers: (typeof PROVIDERS)[number][];
}
/** `zh-en:tmt,zh-ru:tmt,zh-az:openai|tmt`: a pair (both directions) and its providers in order. */
const routes = z.string().transform((s, ctx): TranslationRoute[] => {
  const out: TranslationRoute[] = [];
  for (const part of s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([a-z]{2})-([a-z]{2}):([a-z|]+)$/.exec(part);
    const [a, b] = [m?.[1], m?.[2]] as TranslationRoute['a'][];
    const providers = (m?.[3] ?? '').split('|') as TranslationRoute['providers'];
    if (!m || !ROUTE_LANGS.includes(a!) || !ROUTE_LANGS.includes(b!) || a === b || !providers.every((p) => PROVIDERS.includes(p))) {
      ctx.addIssue({ code: 'custom', message: `like zh-en:tmt,zh-az:openai|tmt (languages ${ROUTE_LANGS.join(', ')}; providers ${PROVIDERS.join(', ')}), not "${part}"` });
      return z.NEVER;
    }
    if (out.some((r) => (r.a === a && r.b === b) || (r.a === b && r.b === a))) {
      ctx.addIssue({ code: 'custom', message: `the pair ${a}-${b} is routed twice` });
      return z.NEVER;
    }
    out.push({ a: a!, b: b!, providers });
  }
  return out;
});

/** Working hours as minutes after local midnight (shared/performance counts reply times in them). */
export interface WorkHours {
  from: number;
  to: number;
}

/** 'HH:MM-HH:MM' within one day, start before end → minutes after midnight. */
const workHours = z
  .string()
  .default('09:00-18:00')
  .transform((s, ctx): WorkHours => {
    const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(s.trim());
    const from = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
    const to = m ? Number(m[3]) * 60 + Number(m[4]) : NaN;
    if (!m || Number(m[2]) > 59 || Number(m[4]) > 59 || !(from < to) || to > 24 * 60) {
      ctx.addIssue({ code: 'custom', message: `like 09:00-18:00 (within one day, start before end), not "${s}"` });
      return z.NEVER;
    }
    return { from, to };
  });

const DEFAULT_WEIGHTS = { delivery: 0.5, responsiveness: 0.3, quality: 0.2 };

export const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,48}$/, 'letters, digits, _ and - only')
    .default('gendan'),
  DATA_DIR: z.string().min(1).default('./data'),
  ENGINE_BIN: z.string().optional(),

  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  CONSOLE_ORIGIN: z.string().url().optional(),
  // The first web console admin, created at start when that login does not exist yet.
  CONSOLE_ADMIN_LOGIN: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{3,64}$/, '3–64 letters, digits, . _ @ -')
    .default('admin'),
  CONSOLE_ADMIN_PASSWORD: z.string().min(10, 'at least 10 characters').max(256).optional(),
  UPLOAD_DIR: z.string().min(1).optional(),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(50).default(8),
  // Chat images, videos and files from WeChat larger than this keep metadata only
  MAX_CHAT_MEDIA_MB: z.coerce.number().positive().max(500).default(25),
  // Nightly backups (mongodump directory format) and how many days of them are kept.
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  // /metrics (Prometheus): a bearer token on the main port, or a port of its own on 127.0.0.1; neither: off.
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  TRUST_PROXY: bool.default(false),
  // Order imports (XLSX/CSV): largest file and most data rows accepted
  IMPORT_MAX_MB: z.coerce.number().positive().max(500).default(20),
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(20_000),

  WECHATY_PUPPET_SERVICE_TOKEN: z.string().optional(),
  WECHATY_PUPPET_SERVICE_ENDPOINT: z.string().optional(),
  BOT_NAME: z.string().default('gendan'),
  FRIEND_AUTO_ACCEPT: bool.default(false),
  NOTICE_PER_CHAT_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  NOTICE_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(40),

  TRANSLATION_PROVIDER: z.enum(['none', 'tmt', 'openai']).default('none'),
  TRANSLATION_FALLBACK: z.enum(['none', 'tmt', 'openai']).default('none'),
  MANAGER_LANGS: langList.default(['en']),
  TRANSLATION_ROUTES: routes.default([]),
  TENCENT_SECRET_ID: z.string().optional(),
  TENCENT_SECRET_KEY: z.string().optional(),
  TENCENT_REGION: z.string().default('ap-guangzhou'),
  TMT_ENDPOINT: z.string().default('tmt.tencentcloudapi.com'),
  TMT_PROTOCOL: z.enum(['https://', 'http://']).default('https://'),
  TMT_PROJECT_ID: z.coerce.number().int().min(0).default(0),
  TMT_RPS: z.coerce.number().positive().max(100).default(5),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  FACTS_LLM: z.enum(['on', 'off']).default('off'),

  WECHAT_APPID: z.string().optional(),
  WECHAT_SECRET: z.string().optional(),
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),

  SANDBOX: bool.optional(),
  // Supplier performance (shared/performance)
  KPI_WEIGHTS: z
    .string()
    .default('delivery:0.5,responsiveness:0.3,quality:0.2')
    .transform((s, ctx) => {
      // Components not named keep their default weight.
      const w: Record<string, number> = { ...DEFAULT_WEIGHTS };
      for (const part of s.split(',')) {
        const [k, v] = part.split(':').map((x) => x.trim());
        if (!k || !['delivery', 'responsiveness', 'quality'].includes(k) || v === undefined || !(Number(v) >= 0)) {
          ctx.addIssue({ code: 'custom', message: 'like delivery:0.5,responsiveness:0.3,quality:0.2' });
          return z.NEVER;
        }
        w[k] = Number(v);
      }
      return w as typeof DEFAULT_WEIGHTS;
    }),
  SUPPLIER_WORK_HOURS: workHours,
  MANAGER_WORK_HOURS: workHours,
  ESCALATE_AFTER_MIN: z.coerce.number().int().min(5).max(10_080).default(120),
  RESOLVE_WITHIN_DAYS: z.coerce.number().int().min(0).max(90).default(3),
  // Price history: alert the manager when a line's unit price rises more than this (percent)
  PRICE_JUMP_PCT: z.coerce.number().min(0).max(1000).default(10),
  // CJK font embedded in PDF reports (default: Noto Sans SC from the npm package @embedpdf/fonts-sc)
  PDF_CJK_FONT: z.string().optional(),
});

/** Rules across keys; checked on the raw values so they are listed with every other problem. */
function crossChecks(env: Record<string, string>): string[] {
  const problems: string[] = [];
  const need = (key: string, why: string) => {
    if (!env[key]) problems.push(`${key}: required ${why}`);
  };
  const providers = new Set([env.TRANSLATION_PROVIDER, env.TRANSLATION_FALLBACK, ...(env.TRANSLATION_ROUTES ?? '').split(/[,|:]/).map((x) => x.trim())]);
  if (providers.has('tmt')) {
    need('TENCENT_SECRET_ID', 'when TMT translates');
    need('TENCENT_SECRET_KEY', 'when TMT translates');
  }
  if (providers.has('openai')) need('OPENAI_API_KEY', 'when OpenAI translates');
  if (env.FACTS_LLM === 'on') need('OPENAI_API_KEY', 'when the language model reads chat facts (FACTS_LLM=on)');
  if (env.NODE_ENV === 'production') need('SESSION_SECRET', 'in production');
  return problems;
}

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  db: { uri?: string; name: string; dataDir: string; engineBin?: string };
  server: { host: string; port: number; sessionSecret?: string; consoleOrigin?: string; uploadDir: string; maxUploadBytes: number; trustProxy: boolean };
  /** Supplier performance settings (shared/performance `PerformanceSettings`). */
  performance: {
    weights: { delivery: number; responsiveness: number; quality: number };
    supplierHours: WorkHours;
    managerHours: WorkHours;
    /** Unanswered supplier messages go to the responsible manager after this long, to the backup or head after twice that. */
    escalateAfterMin: number;
    /** An overdue milestone done within this many days of its plan counts as resolved in time. */
    resolveWithinDays: number;
  };
  /** Price history (shared/prices): alert when a unit price rises more than this percent. */
  prices: { jumpPct: number };
  reports: { pdfCjkFont?: string };
  /** Stored files (shared/storage): the local directory, and the largest chat media kept (bigger: metadata only). */
  storage: { dir: string; maxChatMediaBytes: number };
  /** Nightly logical backups (shared/db/backup.ts) into dir, kept keepDays. */
  backup: { dir: string; keepDays: number };
  /** /metrics: behind a bearer token on the main port, and/or on a port of its own (127.0.0.1). */
  metrics: { token?: string; port?: number };
  /** Order imports (shared/orders/import.ts). */
  orders: { importMaxBytes: number; importMaxRows: number };
  /** The web console's first admin (shared/managers/accounts.ts ensureAdmin). */
  console: { adminLogin: string; adminPassword?: string };
  bot: { puppetToken?: string; puppetEndpoint?: string; name: string; sandbox: boolean; autoAcceptFriends: boolean };
  /** Outbox pacing of the bot's WeChat account (shared/notices). */
  notices: { perChatMs: number; perAccountPerMin: number };
  translation: {
    provider: Env['TRANSLATION_PROVIDER'];
    fallback: Env['TRANSLATION_FALLBACK'];
    managerLangs: ('en' | 'ru' | 'az')[];
    /** Pairs routed to named providers (TRANSLATION_ROUTES); other pairs use provider, fallback. */
    routes: TranslationRoute[];
    tmt: { secretId?: string; secretKey?: string; region: string; endpoint: string; protocol: string; projectId: number; rps: number };
    openai: { apiKey?: string; baseURL?: string; model: string };
  };
  wechat: { appId?: string; secret?: string; apiBase: string };
  /** Chat to facts: ask the OpenAI-compatible endpoint (translation.openai) about messages the rules cannot read. */
  facts: { llm: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? '(root)')}: ${i.message}`)), ...crossChecks(cleaned as Record<string, string>)];
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const sandbox = e.SANDBOX ?? !e.WECHATY_PUPPET_SERVICE_TOKEN;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    db: { uri: e.MONGODB_URI, name: e.DB_NAME, dataDir: e.DATA_DIR, engineBin: e.ENGINE_BIN },
    server: {
      host: e.HOST,
      port: e.PORT,
      sessionSecret: e.SESSION_SECRET,
      consoleOrigin: e.CONSOLE_ORIGIN,
      uploadDir: e.UPLOAD_DIR ?? `${e.DATA_DIR.replace(/\/$/, '')}/uploads`,
      maxUploadBytes: Math.round(e.MAX_UPLOAD_MB * 1024 * 1024),
      trustProxy: e.TRUST_PROXY,
    },
    performance: {
      weights: e.KPI_WEIGHTS,
      supplierHours: e.SUPPLIER_WORK_HOURS,
      managerHours: e.MANAGER_WORK_HOURS,
      escalateAfterMin: e.ESCALATE_AFTER_MIN,
      resolveWithinDays: e.RESOLVE_WITHIN_DAYS,
    },
    prices: { jumpPct: e.PRICE_JUMP_PCT },
    reports: { pdfCjkFont: e.PDF_CJK_FONT },
    storage: { dir: e.UPLOAD_DIR ?? `${e.DATA_DIR.replace(/\/$/, '')}/uploads`, maxChatMediaBytes: Math.round(e.MAX_CHAT_MEDIA_MB * 1024 * 1024) },
    backup: { dir: e.BACKUP_DIR ?? `${e.DATA_DIR.replace(/\/$/, '')}/backups`, keepDays: e.BACKUP_KEEP_DAYS },
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    orders: { importMaxBytes: Math.round(e.IMPORT_MAX_MB * 1024 * 1024), importMaxRows: e.IMPORT_MAX_ROWS },
    console: { adminLogin: e.CONSOLE_ADMIN_LOGIN, adminPassword: e.CONSOLE_ADMIN_PASSWORD },
    bot: { puppetToken: e.WECHATY_PUPPET_SERVICE_TOKEN, puppetEndpoint: e.WECHATY_PUPPET_SERVICE_ENDPOINT, name: e.BOT_NAME, sandbox, autoAcceptFriends: e.FRIEND_AUTO_ACCEPT },
    notices: { perChatMs: e.NOTICE_PER_CHAT_MS, perAccountPerMin: e.NOTICE_PER_MINUTE },
    translation: {
      provider: e.TRANSLATION_PROVIDER,
      fallback: e.TRANSLATION_FALLBACK,
      managerLangs: e.MANAGER_LANGS,
      routes: e.TRANSLATION_ROUTES,
      tmt: {
        secretId: e.TENCENT_SECRET_ID,
        secretKey: e.TENCENT_SECRET_KEY,
        region: e.TENCENT_REGION,
        endpoint: e.TMT_ENDPOINT,
        protocol: e.TMT_PROTOCOL,
        projectId: e.TMT_PROJECT_ID,
        rps: e.TMT_RPS,
      },
      openai: { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL },
    },
    wechat: { appId: e.WECHAT_APPID, secret: e.WECHAT_SECRET, apiBase: e.WECHAT_API_BASE },
    facts: { llm: e.FACTS_LLM === 'on' },
  };
}

/** Log level for the logger before (or without) a full config; never throws. */
export function logLevelFromEnv(): Env['LOG_LEVEL'] {
  const v = process.env.LOG_LEVEL;
  return (['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const).find((l) => l === v) ?? 'info';
}

/** Whether stdout is a terminal (pretty logs, interactive sandbox prompt). */
export const isTTY = (): boolean => Boolean(process.stdout.isTTY) && process.env.CI !== 'true';

/** Load `.env` from the working directory when present (existing variables win). */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * For the scripts (start, backup, restore): .env, then the configuration, then `check` (more
 * start-up checks that throw ConfigError). A bad configuration is printed and the process exits
 * 2, which systemd and Docker should not retry: nothing will change until someone edits it.
 */
export function loadConfigOrExit(check?: (config: Config) => void): Config {
  loadDotEnv();
  try {
    const config = loadConfig();
    check?.(config);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}
