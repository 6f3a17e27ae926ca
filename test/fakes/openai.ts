// A fake of the OpenAI chat completions API at its network boundary (the real `openai` SDK
// talks to it): JSON answers, 429 with Retry-After, insufficient_quota, and down (503).
// Every language, Azerbaijani included.
import { randomUUID } from 'node:crypto';
import { listen, json, type FakeServer } from './http.js';
import { fakeTranslate } from './tmt.js';

export type OpenAiMode = 'ok' | 'quota' | 'bad-json' | 'down';

export interface OpenAiFake extends FakeServer {
  baseURL: string;
  mode: OpenAiMode;
  /** The next n requests get 429 rate_limit_exceeded with Retry-After: 1. */
  rateLimitNext: number;
  calls: number;
  answered: number;
  /** What each answered request asked: target language and texts (placeholders, never terms). */
  requests: { target: string; texts: string[] }[];
}

/** On a free port, or on `port` (scripts/fake-openai.ts for the sandbox). */
export async function startOpenAiFake(port = 0): Promise<OpenAiFake> {
  const fake = { mode: 'ok' as OpenAiMode, rateLimitNext: 0, calls: 0, answered: 0, requests: [] as OpenAiFake['requests'] };
  const server = await listen((req, body, res) => {
    fake.calls++;
    if (req.url !== '/v1/chat/completions') return json(res, 404, { error: { message: 'not found' } });
    if (!String(req.headers.authorization).startsWith('Bearer ')) return json(res, 401, { error: { message: 'no key', type: 'invalid_request_error', code: 'invalid_api_key' } });
    if (fake.mode === 'down') return json(res, 503, { error: { message: 'The server is overloaded', type: 'server_error', code: null } });
    if (fake.mode === 'quota') {
      return json(res, 429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } });
    }
    if (fake.rateLimitNext > 0) {
      fake.rateLimitNext--;
      return json(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '1' });
    }
    const p = JSON.parse(body.toString()) as { messages: { role: string; content: string }[] };
    const system = p.messages[0]!.content;
    const target = /to Simplified Chinese/.test(system) ? 'zh' : /to Russian/.test(system) ? 'ru' : /to Azerbaijani/.test(system) ? 'az' : 'en';
    const texts = (JSON.parse(p.messages[1]!.content) as { texts: string[] }).texts;
    fake.requests.push({ target, texts });
    const content = fake.mode === 'bad-json' ? 'Sure! Here you go.' : JSON.stringify({ translations: texts.map((t) => fakeTranslate(t, target)) });
    fake.answered++;
    json(res, 200, {
      id: `chatcmpl-${randomUUID()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: 'fake',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
  }, port);
  return Object.assign(fake, server, { baseURL: `${server.url}/v1` }) as OpenAiFake;
}
