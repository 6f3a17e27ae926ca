// A fake of WeChat's jscode2session at its network boundary: codes map to openids; special
// codes return the real error codes (40029 invalid, 45011 too frequent, -1 busy).
import { listen, json, type FakeServer } from './http.js';

export interface WechatFake extends FakeServer {
  /** Codes the fake accepts, with the openid each stands for. */
  codes: Map<string, string>;
  calls: number;
  /** Answer -1 (busy) this many more times. */
  busyNext: number;
  /** Accept and never answer this many more requests (the adapter's timeout must end them). */
  hangNext: number;
}

export async function startWechatFake(appid = 'wx-test-app', secret = 'wx-test-secret'): Promise<WechatFake> {
  const fake = { codes: new Map<string, string>(), calls: 0, busyNext: 0, hangNext: 0 };
  const server = await listen((req, _body, res) => {
    fake.calls++;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/sns/jscode2session') return json(res, 404, { errcode: 404, errmsg: 'not found' });
    const q = url.searchParams;
    if (q.get('appid') !== appid || q.get('secret') !== secret || q.get('grant_type') !== 'authorization_code') {
      return json(res, 200, { errcode: 40013, errmsg: 'invalid appid' });
    }
    const code = q.get('js_code') ?? '';
    if (fake.hangNext > 0) {
      fake.hangNext--;
      return; // closed by the client's timeout or by close()
    }
    if (fake.busyNext > 0) {
      fake.busyNext--;
      return json(res, 200, { errcode: -1, errmsg: 'system error' });
    }
    if (code === 'too-frequent') return json(res, 200, { errcode: 45011, errmsg: 'api minute-quota reach limit' });
    if (code === 'risky') return json(res, 200, { errcode: 40226, errmsg: 'code blocked' });
    const openid = fake.codes.get(code);
    if (!openid) return json(res, 200, { errcode: 40029, errmsg: `invalid code, rid: ${code}` });
    fake.codes.delete(code); // a code is good once, as in WeChat
    json(res, 200, { openid, session_key: `SECRET-SESSION-KEY-${openid}`, ...(code.startsWith('union-') ? { unionid: `union-of-${openid}` } : {}) });
  });
  return Object.assign(fake, server) as WechatFake;
}
