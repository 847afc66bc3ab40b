import { create } from 'qrcode';
import { inflateSync } from 'node:zlib';
import { ballotCodeHash, newBallotCode, normaliseBallotCode } from '../src/infrastructure/mass-evaluation/ballot-code';
import { ballotLink, renderBallotSheet } from '../src/infrastructure/mass-evaluation/ballot-sheet.pdf';

const WINDOW = '01930000-0000-7000-8000-0000000000b1';
const sheet = (codes: string[]) =>
  renderBallotSheet({
    windowId: WINDOW,
    subjectLabel: '党组织',
    opensOn: '2011-06-01',
    closesOn: '2011-06-07',
    codes,
    voteUrl: 'https://v.example/vote',
  });
const contents = (pdf: Buffer) =>
  [...pdf.toString('latin1').matchAll(/stream\n([\s\S]*?)\nendstream/g)].map((m) =>
    inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1'),
  );

describe('ballot sheet', () => {
  it('writes a cross-reference table whose every offset starts its object', () => {
    const pdf = sheet(Array.from({ length: 25 }, newBallotCode));
    const text = pdf.toString('latin1');
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((offset, i) => expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
    expect(text).toContain('/Count 3'); // 25 slips, twelve a page
  });

  it('draws each QR code module for module as the link to the window and its code', () => {
    const code = newBallotCode();
    const [page] = contents(sheet([code]));
    const { modules } = create(ballotLink('https://v.example/vote', WINDOW, code), { errorCorrectionLevel: 'M' });
    let dark = 0;
    for (let i = 0; i < modules.size * modules.size; i++) dark += modules.data[i]!;
    const widths = [...page!.matchAll(/^[\d.]+ [\d.]+ ([\d.]+) ([\d.]+) re f$/gm)].map((m) => Math.round(Number(m[1]) / Number(m[2])));
    expect(widths.reduce((a, b) => a + b, 0)).toBe(dark);
    expect(ballotLink('https://v.example/vote', WINDOW, code)).toBe(`https://v.example/vote#w=${WINDOW}&c=${code}`);
  });

  it('prints Chinese in the predefined CJK font and the code in Helvetica', () => {
    const pdf = sheet(['ABCD-EFGH-JKMN-PQRS']);
    expect(pdf.toString('latin1')).toContain('/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H');
    const [page] = contents(pdf);
    expect(page).toContain('/F1 10 Tf');
    expect(page).toContain('(ABCD-EFGH-JKMN-PQRS) Tj');
    expect(page).toContain('<6EE1610F5EA66D4B8BC4>'); // 满意度测评
  });
});

describe('ballot codes', () => {
  it('are 80 random bits in four groups of Crockford base32', () => {
    const codes = Array.from({ length: 1000 }, newBallotCode);
    expect(new Set(codes).size).toBe(1000);
    codes.forEach((c) => expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/));
  });

  it('survive retyping: case, spaces, dashes, O for 0 and I or L for 1', () => {
    expect(normaliseBallotCode('k7q2 mx9p-4t8r zc3w')).toBe('K7Q2MX9P4T8RZC3W');
    expect(normaliseBallotCode('OIL0-0000-0000-0000')).toBe('0110000000000000');
    expect(normaliseBallotCode('K7Q2-MX9P-4T8R')).toBeNull();
    expect(normaliseBallotCode('K7Q2-MX9P-4T8R-ZC3U')).toBeNull();
  });

  it('hash under the key and the window, so a code is worth nothing elsewhere', () => {
    const h = ballotCodeHash('k', WINDOW, 'K7Q2MX9P4T8RZC3W');
    expect(ballotCodeHash('k', WINDOW, 'K7Q2MX9P4T8RZC3W')).toEqual(h);
    expect(ballotCodeHash('other', WINDOW, 'K7Q2MX9P4T8RZC3W')).not.toEqual(h);
    expect(ballotCodeHash('k', '01930000-0000-7000-8000-0000000000b2', 'K7Q2MX9P4T8RZC3W')).not.toEqual(h);
  });
});
