// A stubbed `wx` that performs real HTTP (fetch), so the mini-program's own client code is
// tested against the real Koa server. Storage is in memory; wx.login hands out codes that the
// jscode2session fake knows.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface StubWx {
  storage: Map<string, unknown>;
  nextLoginCode: () => string;
  toasts: string[];
  navigations: string[];
  [k: string]: unknown;
}

export function stubWx(nextLoginCode: () => string): StubWx {
  const storage = new Map<string, unknown>();
  const toasts: string[] = [];
  const navigations: string[] = [];
  return {
    storage,
    nextLoginCode,
    toasts,
    navigations,
    getStorageSync: (k: string) => storage.get(k) ?? '',
    setStorageSync: (k: string, v: unknown) => void storage.set(k, v),
    removeStorageSync: (k: string) => void storage.delete(k),
    login: (o: { success: (r: { code: string }) => void }) => setTimeout(() => o.success({ code: nextLoginCode() }), 0),
    showToast: (o: { title: string }) => void toasts.push(o.title),
    navigateTo: (o: { url: string }) => void navigations.push(o.url),
    redirectTo: (o: { url: string }) => void navigations.push(`redirect:${o.url}`),
    navigateBack: () => void navigations.push('back'),
    request(o: { url: string; method?: string; data?: unknown; header?: Record<string, string>; success: (r: { statusCode: number; data: unknown }) => void; fail: (e: { errMsg: string }) => void }) {
      const method = (o.method ?? 'GET').toUpperCase();
      fetch(o.url, { method, headers: o.header, body: method === 'GET' ? undefined : JSON.stringify(o.data ?? {}), signal: AbortSignal.timeout(10_000) })
        .then(async (r) => {
          const text = await r.text();
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          o.success({ statusCode: r.status, data });
        })
        .catch((e: Error) => o.fail({ errMsg: `request:fail ${e.message}` }));
    },
    uploadFile(o: { url: string; filePath: string; name: string; header?: Record<string, string>; success: (r: { statusCode: number; data: string }) => void; fail: (e: { errMsg: string }) => void }) {
      const form = new FormData();
      form.append(o.name, new Blob([readFileSync(o.filePath)], { type: 'image/jpeg' }), basename(o.filePath));
      fetch(o.url, { method: 'POST', headers: o.header, body: form, signal: AbortSignal.timeout(10_000) })
        .then(async (r) => o.success({ statusCode: r.status, data: await r.text() }))
        .catch((e: Error) => o.fail({ errMsg: `uploadFile:fail ${e.message}` }));
    },
  };
}
