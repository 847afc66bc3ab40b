import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The one place reporting's PDFs get their Chinese font (ADR 0040, amending ADR 0028 for
 * documents that must render anywhere): Noto Sans Hans Regular (OFL-1.1) from the npm package
 * `@embedpdf/fonts-sc`, or a file named by `REPORTING_PDF_FONT` (a county's own typeface).
 * The PDF library embeds only the glyphs a document uses, so a summary stays small.
 */
export const CJK_FONT_NAME = 'NotoSansHans-Regular';

let cached: Buffer | undefined;

export function cjkFont(): Buffer {
  if (cached) return cached;
  const configured = process.env['REPORTING_PDF_FONT'];
  const path =
    configured ??
    // The package exports only its index (dist/index.cjs); its fonts sit in ../fonts beside it.
    join(dirname(createRequire(__filename).resolve('@embedpdf/fonts-sc')), '..', 'fonts', `${CJK_FONT_NAME}.otf`);
  cached = readFileSync(path);
  return cached;
}
