// Text of a PDF, read back with pdfjs-dist (Mozilla's PDF.js, an npm package) instead of poppler's
// pdftotext, so the tests need no system package. pdfjs-dist stays on 4.x: 5.x needs Node 22.
import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** The text of every page, one line per text line (pieces of a line joined without spaces). */
export async function pdfText(path: string): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(path)), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str + (item.hasEOL ? '\n' : '');
      }
      pages.push(text);
    }
    return pages.join('\n\f');
  } finally {
    await doc.destroy();
  }
}
