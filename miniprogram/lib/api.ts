// The Gendan API client for the mini-program: wraps wx.request / wx.uploadFile with token
// storage, one re-login on 401, idempotency keys on writes, and errors that carry a message
// to show. `wx` is injected, so the client is tested against the real server with real HTTP.

export interface WxLike {
  request(o: {
    url: string;
    method?: string;
    data?: unknown;
    header?: Record<string, string>;
    timeout?: number;
    success?: (r: { statusCode: number; data: unknown }) => void;
    fail?: (e: { errMsg: string }) => void;
  }): unknown;
  uploadFile(o: {
    url: string;
    filePath: string;
    name: string;
    header?: Record<string, string>;
    timeout?: number;
    success?: (r: { statusCode: number; data: string }) => void;
    fail?: (e: { errMsg: string }) => void;
  }): unknown;
  login(o: { success?: (r: { code: string }) => void; fail?: (e: { errMsg: string }) => void }): unknown;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const TOKEN = 'gendan.token';
const TIMEOUT_MS = 15_000;

export const newIdempotencyKey = () => `mp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

// Response shapes come from the server's contract (server/contract.ts; type-only, erased when
// the mini-program is built), never restated here.
import type * as C from '../../server/contract';

export type OrderSummary = C.Wire<C.OrderSummary>;
export type OrderDetail = C.Wire<C.OrderDetail>;
export type MilestoneView = OrderDetail['milestones'][number];
export type ClaimView = C.Wire<C.ClaimView>;

export function createApi(wx: WxLike, baseUrl: string) {
  function send<T>(method: string, path: string, data?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    return new Promise((ok, fail) => {
      wx.request({
        url: baseUrl + path,
        method,
        data,
        header: { 'content-type': 'application/json', ...headers },
        timeout: TIMEOUT_MS,
        success: (r) => ok({ status: r.statusCode, body: r.data as T }),
        fail: (e) => fail(new ApiError(0, 'network', e.errMsg || 'network error')),
      });
    });
  }

  function bearer(): Record<string, string> {
    const t = wx.getStorageSync(TOKEN);
    return t ? { Authorization: `Bearer ${t}` } : {};
  }

  function fromBody(status: number, body: unknown): ApiError {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } })?.error;
    return new ApiError(status, e?.code ?? 'error', e?.message ?? `HTTP ${status}`, e?.details);
  }

  async function login(): Promise<{ bound: boolean; supplier?: { code: string; name: string } }> {
    const code = await new Promise<string>((ok, fail) => wx.login({ success: (r) => ok(r.code), fail: (e) => fail(new ApiError(0, 'wx_login', e.errMsg)) }));
    const r = await send<{ token: string; bound: boolean; supplier?: { code: string; name: string } }>('POST', '/api/mp/login', { code });
    if (r.status !== 200) throw fromBody(r.status, r.body);
    wx.setStorageSync(TOKEN, r.body.token);
    return { bound: r.body.bound, supplier: r.body.supplier };
  }

  /** An authorised call; on 401 (expired or revoked) log in once more and repeat it. */
  async function call<T>(method: string, path: string, data?: unknown, headers: Record<string, string> = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const r = await send<T>(method, path, data, { ...headers, ...bearer() });
      if (r.status === 401 && attempt === 0) {
        await login();
        continue;
      }
      if (r.status >= 400) throw fromBody(r.status, r.body);
      return r.body;
    }
  }

  function upload<T>(path: string, filePath: string, key: string): Promise<T> {
    return new Promise((ok, fail) => {
      wx.uploadFile({
        url: baseUrl + path,
        filePath,
        name: 'photo',
        header: { ...bearer(), 'Idempotency-Key': key },
        timeout: 60_000,
        success: (r) => {
          const body = (() => {
            try {
              return JSON.parse(r.data);
            } catch {
              return {};
            }
          })();
          if (r.statusCode >= 400) fail(fromBody(r.statusCode, body));
          else ok(body as T);
        },
        fail: (e) => fail(new ApiError(0, 'network', e.errMsg || 'network error')),
      });
    });
  }

  return {
    login,
    async bind(code: string) {
      const r = await call<{ token: string; supplier: { code: string; name: string } }>('POST', '/api/mp/bind', { code });
      wx.setStorageSync(TOKEN, r.token);
      return r.supplier;
    },
    orders: (page = 1) => call<{ items: OrderSummary[]; page: number; hasMore: boolean }>('GET', `/api/mp/orders?page=${page}`),
    order: (id: string) => call<OrderDetail>('GET', `/api/mp/orders/${encodeURIComponent(id)}`),
    /** The caller keeps `key` for a retry of the same change, so it is applied once. */
    updateMilestone: (id: string, milestone: string, body: { done?: boolean; actual?: string; planned?: string; reason?: string; note?: string }, key: string) =>
      call<{ order: OrderDetail; changed: boolean }>('POST', `/api/mp/orders/${encodeURIComponent(id)}/milestones/${milestone}`, body, { 'Idempotency-Key': key }),
    reportCustoms: (id: string, body: { status: 'held' | 'cleared'; reason?: string; expectedDate?: string }, key: string) =>
      call<{ order: OrderDetail; changed: boolean }>('POST', `/api/mp/orders/${encodeURIComponent(id)}/customs`, body, { 'Idempotency-Key': key }),
    /** Answer the pre-shipment check: ready, or not ready with the new date. */
    answerReadiness: (id: string, body: { ready: boolean; date?: string; note?: string }, key: string) =>
      call<{ order: OrderDetail; changed: boolean }>('POST', `/api/mp/orders/${encodeURIComponent(id)}/readiness`, body, { 'Idempotency-Key': key }),
    claims: () => call<{ items: ClaimView[] }>('GET', '/api/mp/claims'),
    claim: (id: string) => call<ClaimView>('GET', `/api/mp/claims/${encodeURIComponent(id)}`),
    answerClaim: (id: string, body: { decision: 'accept' | 'dispute'; text?: string; photoIds?: string[] }) => call<ClaimView>('POST', `/api/mp/claims/${encodeURIComponent(id)}/answer`, body),
    uploadPhoto: (id: string, milestone: string, filePath: string, key: string) =>
      upload<{ photo: { id: string } }>(`/api/mp/orders/${encodeURIComponent(id)}/milestones/${milestone}/photos`, filePath, key),
    /** A photo for the answer to a claim; the same key again stores it once. */
    uploadClaimPhoto: (id: string, filePath: string, key: string) => upload<{ photo: { id: string; name: string }; added: boolean }>(`/api/mp/claims/${encodeURIComponent(id)}/photos`, filePath, key),
  };
}

export type Api = ReturnType<typeof createApi>;
