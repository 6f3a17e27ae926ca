// pino, one child logger per module. Pretty only on a TTY; secrets redacted wherever they appear
// in structured fields.
import { pino, type Logger } from 'pino';
import { isTTY, logLevelFromEnv } from '../config/index.js';

export type { Logger };

const REDACT = [
  'password', '*.password', 'secret', '*.secret', 'secretKey', '*.secretKey', 'apiKey', '*.apiKey',
  'token', '*.token', 'session_key', '*.session_key', 'sessionKey', '*.sessionKey', 'authorization',
  '*.authorization', 'headers.authorization', 'headers.cookie', 'req.headers.authorization',
  'req.headers.cookie', 'pgUrl', '*.pgUrl',
];

export const rootLogger: Logger = pino({
  level: logLevelFromEnv(),
  redact: { paths: REDACT, censor: '[redacted]' },
  base: undefined,
  ...(isTTY() ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } } : {}),
});

export function getLogger(module: string): Logger {
  return rootLogger.child({ module });
}

/** Hide the password in a connection string before it is logged. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:[redacted]@');
}
