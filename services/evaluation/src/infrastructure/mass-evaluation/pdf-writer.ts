import { deflateSync } from 'node:zlib';

/**
 * The smallest PDF writer the ballot sheet needs: A4 pages of filled rectangles and text.
 * Chinese text uses the predefined CJK font STSong-Light with the UniGB-UCS2-H CMap (ISO 32000-1
 * §9.7.5.2, the Adobe-GB1 collection), which PDF readers supply themselves, so no font file
 * has to ship or be embedded (ADR 0028); Latin text and the codes use Helvetica.
 */
export class PdfWriter {
  static readonly WIDTH = 595.28;
  static readonly HEIGHT = 841.89;
  private readonly pages: string[] = [];
  private ops: string[] = [];

  newPage(): void {
    if (this.ops.length > 0) this.pages.push(this.ops.join('\n'));
    this.ops = [];
  }

  rect(x: number, y: number, w: number, h: number): void {
    this.ops.push(`${n(x)} ${n(y)} ${n(w)} ${n(h)} re f`);
  }

  strokeRect(x: number, y: number, w: number, h: number): void {
    this.ops.push(`0.6 w 0.6 G [3 3] 0 d ${n(x)} ${n(y)} ${n(w)} ${n(h)} re S [] 0 d 0 G`);
  }

  /** Text at (x, y), Latin runs in Helvetica and the rest in STSong-Light; widths estimated. */
  text(x: number, y: number, size: number, s: string): void {
    let cx = x;
    for (const run of s.match(/[\x20-\x7e]+|[^\x20-\x7e]+/g) ?? []) {
      const latin = /^[\x20-\x7e]/.test(run);
      const encoded = latin ? `(${run.replace(/[\\()]/g, '\\$&')})` : `<${ucs2(run)}>`;
      this.ops.push(`BT /${latin ? 'F1' : 'F2'} ${n(size)} Tf ${n(cx)} ${n(y)} Td ${encoded} Tj ET`);
      cx += latin ? run.length * size * 0.56 : [...run].length * size;
    }
  }

  toBuffer(): Buffer {
    this.newPage();
    const objects: (string | Buffer)[] = [];
    const add = (o: string | Buffer): number => objects.push(o); // the 1-based object number
    add('<< /Type /Catalog /Pages 2 0 R >>');
    add(''); // the page tree, filled in below once the kids are known
    add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
    add('<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>');
    add(
      '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 6 0 R /DW 1000 >>',
    );
    add(
      '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
    );
    const kids: number[] = [];
    for (const content of this.pages) {
      const body = deflateSync(Buffer.from(content, 'latin1'));
      const stream = add(
        Buffer.concat([Buffer.from(`<< /Length ${body.length} /Filter /FlateDecode >>\nstream\n`), body, Buffer.from('\nendstream')]),
      );
      kids.push(
        add(
          `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PdfWriter.WIDTH} ${PdfWriter.HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${stream} 0 R >>`,
        ),
      );
    }
    objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
    const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    const offsets: number[] = [];
    let length = parts[0]!.length;
    objects.forEach((o, i) => {
      offsets.push(length);
      const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), typeof o === 'string' ? Buffer.from(o) : o, Buffer.from('\nendobj\n')]);
      parts.push(chunk);
      length += chunk.length;
    });
    const xref = [
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`,
      ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
    ];
    parts.push(Buffer.from(`${xref.join('')}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`));
    return Buffer.concat(parts);
  }
}

const n = (v: number) => (Math.round(v * 100) / 100).toString();

/** UCS-2 big-endian hex; characters outside the BMP (not in GB 18030's common set) become a full-width ？. */
const ucs2 = (s: string) =>
  [...s]
    .map((ch) => {
      const cp = ch.codePointAt(0)!;
      return (cp > 0xffff ? 0xff1f : cp).toString(16).padStart(4, '0').toUpperCase();
    })
    .join('');
