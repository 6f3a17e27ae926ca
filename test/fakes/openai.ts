// A fake of the OpenAI chat completions API at its network boundary (the real `openai` SDK
// talks to it): JSON answers, 429 with Retry-After, insufficient_quota, and down (503).
// Every language, Azerbaijani included. A request with a strict `json_schema` response format
// (chat facts) is answered by `facts` (per message).
import { randomUUID } from 'node:crypto';
import { listen, json, type FakeServer } from './http.js';
import { fakeTranslate } from './tmt.js';

export type OpenAiMode = 'ok' | 'quota' | 'bad-json' | 'down';

/** One fact of the chat-facts schema. */
export interface FakeFact {
  milestone: string | null;
  stage: 'plan' | 'change' | 'done';
  day: string;
  po: string | null;
}

export interface OpenAiFake extends FakeServer {
  baseURL: string;
  mode: OpenAiMode;
  /** The next n requests get 429 rate_limit_exceeded with Retry-After: 1. */
  rateLimitNext: number;
  calls: number;
  answered: number;
  /** What each answered request asked: target language and texts (placeholders, never terms). */
  requests: { target: string; texts: string[] }[];
  /** The chat-facts answer for one message (default: none). */
  facts: (m: { id: string; today: string; text: string }) => FakeFact[];
  /** The json_schema response formats received (name, strict). */
  schemas: { name: string; strict: boolean }[];
  /** Messages per chat-facts request. */
  batches: number[];
}

/** On a free port, or on `port` (scripts/fake-openai.ts for the sandbox). */
export async function startOpenAiFake(port = 0): Promise<OpenAiFake> {
  const fake = {
    mode: 'ok' as OpenAiMode,
    rateLimitNext: 0,
    calls: 0,
    answered: 0,
    requests: [] as OpenAiFake['requests'],
    facts: (() => []) as OpenAiFake['facts'],
    schemas: [] as OpenAiFake['schemas'],
    batches: [] as number[],
  };
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
    const p = JSON.parse(body.toString()) as { messages: { role: string; content: string }[]; response_format?: { type: string; json_schema?: { name: string; strict?: boolean } } };
    if (p.response_format?.type === 'json_schema') {
      fake.schemas.push({ name: p.response_format.json_schema!.name, strict: p.response_format.json_schema!.strict === true });
      const msgs = (JSON.parse(p.messages[1]!.content) as { messages: { id: string; today: string; text: string }[] }).messages;
      fake.batches.push(msgs.length);
      fake.answered++;
      return completion(res, fake.mode === 'bad-json' ? 'not json' : JSON.stringify({ results: msgs.map((m) => ({ id: m.id, facts: fake.facts(m) })) }));
    }
    const system = p.messages[0]!.content;
    const target = /to Simplified Chinese/.test(system) ? 'zh' : /to Russian/.test(system) ? 'ru' : /to Azerbaijani/.test(system) ? 'az' : 'en';
    const texts = (JSON.parse(p.messages[1]!.content) as { texts: string[] }).texts;
    fake.requests.push({ target, texts });
    const content = fake.mode === 'bad-json' ? 'Sure! Here you go.' : JSON.stringify({ translations: texts.map((t) => fakeTranslate(t, target)) });
    fake.answered++;
    completion(res, content);
  }, port);
  return Object.assign(fake, server, { baseURL: `${server.url}/v1` }) as OpenAiFake;
}

function completion(res: Parameters<typeof json>[0], content: string) {
  json(res, 200, {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}
