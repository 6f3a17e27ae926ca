// A fake of Tencent Cloud TMT at its network boundary: the real SDK talks to it. It checks the
// TC3-HMAC-SHA256 signature for real (host signed without its port, service = the endpoint's
// first label), enforces 5 requests/s and the 2,000-character limit, and answers with the real
// shapes: {Response: {TargetTextList, RequestId}} or {Response: {Error: {Code, Message}, RequestId}}.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { listen, json, type FakeServer } from './http.js';

export type TmtMode = 'ok' | 'down' | 'quota' | 'mangle' | 'drop-placeholders';

export interface TmtFake extends FakeServer {
  endpoint: string;
  secretId: string;
  secretKey: string;
  mode: TmtMode;
  requests: { texts: string[]; source: string; target: string }[];
  rejected: { code: string }[];
  /** Characters of accepted requests. */
  billedChars(): number;
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const hmac = (key: string | Buffer, msg: string, enc?: 'hex') => (enc ? createHmac('sha256', key).update(msg).digest('hex') : createHmac('sha256', key).update(msg).digest());

/** What the fake "translates" to: a tagged copy that keeps placeholders, like a good provider. */
export function fakeTranslate(text: string, target: string): string {
  return `〔${target}〕${text}`;
}

export async function startTmtFake(opts: { rps?: number; secretId?: string; secretKey?: string } = {}): Promise<TmtFake> {
  const rps = opts.rps ?? 5;
  const secretId = opts.secretId ?? 'AKIDfake';
  const secretKey = opts.secretKey ?? 'fake-secret-key';
  const times: number[] = [];
  const fake = {
    mode: 'ok' as TmtMode,
    requests: [] as TmtFake['requests'],
    rejected: [] as TmtFake['rejected'],
  };
  const error = (res: Parameters<typeof json>[0], code: string, message: string) => {
    fake.rejected.push({ code });
    json(res, 200, { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } });
  };
  const server = await listen((req, body, res) => {
    if (fake.mode === 'down') {
      res.destroy();
      return;
    }
    // Signature, as the SDK computes it.
    const auth = String(req.headers.authorization ?? '');
    const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return error(res, 'AuthFailure.SignatureFailure', 'malformed Authorization');
    const [, id, date, service, signedHeaders, signature] = m;
    if (id !== secretId) return error(res, 'AuthFailure.SecretIdNotFound', 'unknown SecretId');
    const timestamp = String(req.headers['x-tc-timestamp']);
    const host = String(req.headers.host).replace(/:\d+$/, '');
    const canonical = ['POST', '/', '', `content-type:${req.headers['content-type']}\nhost:${host}\n`, signedHeaders, sha(body)].join('\n');
    const toSign = ['TC3-HMAC-SHA256', timestamp, `${date}/${service}/tc3_request`, sha(canonical)].join('\n');
    const kSigning = hmac(hmac(hmac('TC3' + secretKey, date!), service!), 'tc3_request');
    if (hmac(kSigning, toSign, 'hex') !== signature) return error(res, 'AuthFailure.SignatureFailure', 'signature mismatch');
    if (req.headers['x-tc-action'] !== 'TextTranslateBatch') return error(res, 'InvalidAction', 'only TextTranslateBatch');

    // 5 requests per second per account.
    const now = Date.now();
    while (times.length && times[0]! <= now - 1000) times.shift();
    if (times.length >= rps) return error(res, 'LimitExceeded.LimitedAccessFrequency', 'request frequency limit exceeded');
    times.push(now);

    if (fake.mode === 'quota') return error(res, 'FailedOperation.NoFreeAmount', 'free quota used up');
    const p = JSON.parse(body.toString()) as { Source: string; Target: string; SourceTextList: string[] };
    // TMT's text translation languages: no Azerbaijani.
    const TMT_LANGS = ['zh', 'zh-TW', 'en', 'ja', 'ko', 'fr', 'es', 'it', 'de', 'tr', 'ru', 'pt', 'vi', 'id', 'th', 'ms', 'ar', 'hi'];
    if (!TMT_LANGS.includes(p.Source) || !TMT_LANGS.includes(p.Target)) return error(res, 'UnsupportedOperation.UnsupportedLanguage', `unsupported language pair ${p.Source}-${p.Target}`);
    const total = p.SourceTextList.reduce((n, t) => n + t.length, 0);
    if (total >= 2000) return error(res, 'UnsupportedOperation.TextTooLong', 'text too long');
    fake.requests.push({ texts: p.SourceTextList, source: p.Source, target: p.Target });
    const out = p.SourceTextList.map((t) => {
      if (fake.mode === 'mangle') return t.replace(/\[\d+\]|[^[\]]+/g, (s) => (/^\[\d+\]$/.test(s) ? s : '≈'.repeat(Math.max(1, s.length >> 1))));
      if (fake.mode === 'drop-placeholders') return /\[\d+\]/.test(t) ? `〔${p.Target}〕lost the terms` : fakeTranslate(t, p.Target);
      return fakeTranslate(t, p.Target);
    });
    json(res, 200, { Response: { Source: p.Source, Target: p.Target, TargetTextList: out, RequestId: randomUUID() } });
  });
  return Object.assign(fake, server, {
    endpoint: `${server.host}:${server.port}`,
    secretId,
    secretKey,
    billedChars: () => fake.requests.reduce((n, r) => n + r.texts.reduce((a, t) => a + t.length, 0), 0),
  }) as TmtFake;
}
