// The sandbox prompt reads lines piped into `npm start` (not only a terminal), and what the bot
// says in the simulated WeChat is printed beside it.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { expect } from 'chai';
import { FileBox } from 'file-box';
import { createSandbox, echoBotMessages, promptWanted, startPrompt } from '../../bot/sandbox.js';

describe('sandbox prompt', () => {
  let dir: string;
  const fds: number[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gendan-prompt-'));
  });
  afterEach(() => {
    for (const fd of fds.splice(0)) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a terminal or a pipe/FIFO (tail -f lines | npm start), not /dev/null or a file', () => {
    const fifo = join(dir, 'in');
    execFileSync('mkfifo', [fifo]);
    const fifoFd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const file = join(dir, 'lines.txt');
    writeFileSync(file, 'm /help\n');
    const fileFd = openSync(file, 'r');
    const nullFd = openSync('/dev/null', 'r');
    fds.push(fifoFd, fileFd, nullFd);
    expect(promptWanted({ isTTY: false }, fifoFd)).to.equal(true);
    expect(promptWanted({ isTTY: true }, nullFd)).to.equal(true);
    expect(promptWanted({ isTTY: false }, nullFd)).to.equal(false);
    expect(promptWanted({ isTTY: false }, fileFd)).to.equal(false);
    expect(promptWanted({}, 987654)).to.equal(false); // no such descriptor
  });

  it('prints what the bot says (to a person, in the room, a file by its name), not what people say to it', () => {
    const sb = createSandbox();
    const lines: string[] = [];
    const stop = echoBotMessages(sb, (l) => lines.push(l));
    sb.bot.say('Linked: Boris').to(sb.colleague);
    sb.bot.say('PO-1 shipment is 2 days late').to(sb.room);
    sb.say('m', '/help');
    sb.bot.say(FileBox.fromBase64(Buffer.from('xlsx').toString('base64'), 'gendan-week-2026-11-23-Anna.xlsx')).to(sb.manager);
    stop();
    sb.bot.say('after stop').to(sb.manager);
    expect(lines).to.deep.equal([
      '[WeChat] Gendan 跟单 → Boris (new buyer): Linked: Boris',
      '[WeChat] Gendan 跟单 → room 奥吉电器 × Gendan 订单群: PO-1 shipment is 2 days late',
      '[WeChat] Gendan 跟单 → Anna (buyer): [file gendan-week-2026-11-23-Anna.xlsx]',
    ]);
  });

  it('on a terminal, Ctrl-C (a key to readline, not a signal) stops Gendan instead of pausing the prompt; lines still speak', async () => {
    const sb = createSandbox();
    const said: string[] = [];
    sb.say = (who, text) => void said.push(`${String(who)} ${text}`);
    const input = new PassThrough();
    let interrupts = 0;
    const close = startPrompt(sb, { input, output: new PassThrough(), terminal: true, interrupt: () => interrupts++ });
    try {
      input.write('m /help\r');
      input.write('\x03');
      await new Promise((ok) => setImmediate(ok));
      expect(said).to.deep.equal(['m /help']);
      expect(interrupts).to.equal(1);
    } finally {
      close();
    }
  });
});
