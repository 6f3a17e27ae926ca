// The app's API client over the real `wx`. The server URL can be changed at run time (stored),
// e.g. to point DevTools at a development server.
import { SERVER_URL } from '../config';
import { createApi, type Api, type WxLike } from './api';
import { strings, type Lang } from './i18n';

declare const wx: WxLike & {
  showToast(o: { title: string; icon?: string }): void;
  navigateTo(o: { url: string }): void;
  redirectTo(o: { url: string }): void;
  chooseMedia(o: { count: number; mediaType: string[]; sizeType?: string[]; success: (r: { tempFiles: { tempFilePath: string; size: number }[] }) => void; fail?: () => void }): void;
  navigateBack(o?: { delta?: number }): void;
};

export const wxApi = () => wx;

export function api(): Api {
  const url = (wx.getStorageSync('gendan.server') as string) || SERVER_URL;
  return createApi(wx, url);
}

export function lang(): Lang {
  return wx.getStorageSync('gendan.lang') === 'en' ? 'en' : 'zh';
}

export function t() {
  return strings(lang());
}

/** Show an error the user can act on; network problems say "retry". */
export function toastError(err: unknown) {
  const e = err as { status?: number; message?: string };
  wx.showToast({ title: e.status === 0 ? t().networkError : (e.message ?? 'error').slice(0, 40), icon: 'none' });
}
