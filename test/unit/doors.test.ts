// The shape of shared/ (STYLE.md "Doors"): reactions are wired, not imported; models are imported,
// not looked up by name; our own modules are imported statically and without cycles.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { expect } from 'chai';

function sources(dir = 'shared'): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.set(normalize(p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Runtime imports between our modules (type-only imports left out: they vanish at build). */
function importGraph(files: Map<string, string>): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const [p, src] of files) {
    const deps: string[] = [];
    for (const m of src.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)from\s+'(\.[^']+)'/gm)) {
      if (m[2]) continue;
      const braces = /\{([^}]*)\}/.exec(m[3]!);
      const rest = m[3]!.replace(/\{[^}]*\}/, '').replace(/[\s,]/g, '');
      if (
        m[1] === 'import' &&
        braces &&
        !rest &&
        braces[1]!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .every((n) => n.startsWith('type '))
      )
        continue;
      deps.push(normalize(join(dirname(p), m[4]!.replace(/\.js$/, '.ts'))));
    }
    for (const m of src.matchAll(/^import\s+'(\.[^']+)'/gm)) deps.push(normalize(join(dirname(p), m[1]!.replace(/\.js$/, '.ts'))));
    g.set(
      p,
      deps.filter((d) => files.has(d)),
    );
  }
  return g;
}

function cycles(g: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  let i = 0;
  const visit = (v: string) => {
    index.set(v, i);
    low.set(v, i++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) found.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('doors: the shape of shared/', () => {
  const files = sources();

  it('has no import cycles between our modules', () => {
    expect(cycles(importGraph(files))).to.deep.equal([]);
  });

  it('looks no model up by name and imports none of our modules dynamically', () => {
    const bad: string[] = [];
    for (const [p, src] of files) {
      if (/mongoose\.models\.\w|mongoose\.models\[/.test(src)) bad.push(`${p}: mongoose.models lookup`);
      for (const m of src.matchAll(/await import\(\s*'(\.[^']+)'/g)) bad.push(`${p}: dynamic import of ${m[1]}`);
    }
    expect(bad).to.deep.equal([]);
  });

  it('registers reactions only in shared/reactions.ts (no hook lists, no listeners at import time)', () => {
    const bad: string[] = [];
    for (const [p, src] of files) {
      if (/Hooks\s*(:|=)/.test(src)) bad.push(`${p}: a hook list`);
      if (p !== normalize('shared/reactions.ts') && /^\s*events\.on\(/m.test(src)) bad.push(`${p}: events.on outside the composition`);
    }
    expect(bad).to.deep.equal([]);
  });
});
