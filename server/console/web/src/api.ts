// The console's HTTP client: same-origin JSON with the session cookie, the CSRF header on every
// state-changing request, and errors in the server's envelope turned into ApiError. Requests say
// the UI language (Accept-Language), so the server writes its error texts in it.
import i18n from './i18n';

/** The UI language when the server writes it (en, ru, az); else the browser's own header goes and the manager's language decides. */
const uiLanguage = (): Record<string, string> => (['en', 'ru', 'az'].includes(i18n.language) ? { 'Accept-Language': i18n.language } : {});
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { field: string; message: string }[],
    /** From Retry-After, on 429 answers. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

/** What a failed request says to the user: the server's message and each field's problem. */
export const errText = (e: unknown) => (e instanceof ApiError ? `${e.message}${e.details?.length ? `: ${e.details.map((d) => `${d.field} ${d.message}`).join(', ')}` : ''}` : String(e));

let csrf = '';
export const setCsrf = (token: string) => {
  csrf = token;
};

export async function api<T>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...uiLanguage(), ...init.headers };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: { field: string; message: string }[] } };
  if (!res.ok) {
    const retry = Number(res.headers.get('Retry-After'));
    throw new ApiError(res.status, data.error?.code ?? 'error', data.error?.message ?? res.statusText, data.error?.details, Number.isFinite(retry) && retry > 0 ? retry : undefined);
  }
  return data as T;
}

/** A multipart upload (FormData) with the CSRF header; errors as in api(). */
export async function upload<T>(path: string, form: FormData): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { Accept: 'application/json', ...uiLanguage(), 'X-CSRF-Token': csrf }, credentials: 'same-origin', body: form });
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: { field: string; message: string }[] } };
  if (!res.ok) throw new ApiError(res.status, data.error?.code ?? 'error', data.error?.message ?? res.statusText, data.error?.details);
  return data as T;
}

// Response shapes come from the server's contract (server/contract.ts), never restated here.
import type * as C from '../../../contract';

export type User = C.Wire<C.ConsoleUserView>;
export type InboxItem = C.Wire<C.InboxItemView>;
export type Msg = C.Wire<C.MessageView>;
export type Claim = C.Wire<C.ClaimView>;
export type ClaimAnalytics = C.Wire<C.ClaimAnalyticsView>;
export type OutboxItem = C.Wire<C.OutboxView>;
export type OrderSummary = C.Wire<C.OrderSummary>;
export type OrderDetail = C.Wire<C.OrderDetail>;
export type Board = C.Wire<C.BoardView>;
export type OrderDefaults = C.Wire<C.OrderDefaultsView>;
export type ImportResult = C.Wire<C.ImportResultView>;
export type HistoryEntry = C.Wire<C.HistoryEntryView>;
export type ClaimItem = C.Wire<C.ClaimView>;
export type ThreadItem = C.Wire<C.ThreadView>;
export type Proposal = C.Wire<C.ProposalViewT>;
export type OrderFacts = C.Wire<C.OrderFactsView>;
export type ManagerRanking = C.Wire<C.ManagerRankingView>;
export type SegmentProposal = C.Wire<C.SegmentProposalView>;

export interface ThreadInfo {
  id: string;
  key: string;
  kind: string;
  title: string;
  messageCount: number;
  supplier: { id: string; code: string; tag?: string | null; shownCode: string; name: string; segment: string; timezone: string } | null;
  contact: { id: string; name: string; role: string | null; timezone: string; language: string } | null;
  timezone: string;
}

/** Local time of a zone, e.g. "14:05". */
export function localTime(tz: string, at: Date | string = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(at));
  } catch {
    return '—';
  }
}

export type Account = C.Wire<C.AccountView>;
export type SessionInfo = C.Wire<C.SessionView>;
export type WechatLink = C.Wire<C.WechatLinkView>;
export type UnsortedItem = C.Wire<C.UnsortedItemView>;
export type SortResult = C.Wire<C.SortResultView>;
export type FriendRequest = C.Wire<C.FriendRequestView>;
export type SupplierPage = C.Wire<C.SupplierPageView>;
export type SupplierProfile = C.Wire<C.SupplierProfileView>;
export type SupplierWrite = C.Wire<C.SupplierWriteView>;
export type Fair = C.Wire<C.FairView>;
export interface Person {
  id: string;
  name: string;
  role: string;
}

/** An API error as one line: its message and the fields it names. */
export const errorText = (e: unknown) => (e instanceof ApiError ? `${e.message}${e.details?.length ? ` (${e.details.map((d) => `${d.field}: ${d.message}`).join('; ')})` : ''}` : String(e));
