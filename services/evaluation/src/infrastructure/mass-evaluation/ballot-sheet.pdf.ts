import { create } from 'qrcode';
import { PdfWriter } from './pdf-writer';

export interface BallotSheet {
  readonly windowId: string;
  /** e.g. 红石村党支部 or 党员; never a member's name (the sheet is handed round). */
  readonly subjectLabel: string;
  readonly opensOn: string;
  readonly closesOn: string;
  readonly codes: readonly string[];
  /** Where a voter's phone goes; the code rides in the fragment, which browsers never send to a server. */
  readonly voteUrl: string;
}

const COLS = 3;
const ROWS = 4;
const MARGIN = 36;
const HEADER = 70;

/** What the QR code of one ballot says: the voting page, with window and code after `#`. */
export const ballotLink = (voteUrl: string, windowId: string, code: string) => `${voteUrl}#w=${windowId}&c=${code}`;

/**
 * 群众评议投票码: twelve cut-out slips per A4 page, each with its QR code, the code in print for
 * typing, and what to do in Chinese. Nothing on a slip names a voter, and slips are not numbered.
 */
export function renderBallotSheet(sheet: BallotSheet): Buffer {
  const pdf = new PdfWriter();
  const cellW = (PdfWriter.WIDTH - 2 * MARGIN) / COLS;
  const cellH = (PdfWriter.HEIGHT - 2 * MARGIN - HEADER) / ROWS;
  sheet.codes.forEach((code, i) => {
    const slot = i % (COLS * ROWS);
    if (slot === 0) {
      if (i > 0) pdf.newPage();
      pdf.text(MARGIN, PdfWriter.HEIGHT - MARGIN - 20, 18, `群众评议满意度测评投票码 · ${sheet.subjectLabel}`);
      pdf.text(
        MARGIN,
        PdfWriter.HEIGHT - MARGIN - 44,
        10,
        `投票时间 ${sheet.opensOn} 至 ${sheet.closesOn}。每码只能投一次，投票不记名，请沿虚线剪开分发。`,
      );
    }
    const x = MARGIN + (slot % COLS) * cellW;
    const top = PdfWriter.HEIGHT - MARGIN - HEADER - Math.floor(slot / COLS) * cellH;
    pdf.strokeRect(x + 2, top - cellH + 2, cellW - 4, cellH - 4);
    pdf.text(x + 12, top - 22, 11, '满意度测评 · 扫码投票');
    drawQr(pdf, ballotLink(sheet.voteUrl, sheet.windowId, code), x + (cellW - 110) / 2, top - 30 - 110, 110);
    pdf.text(x + 12, top - cellH + 34, 10, code);
    pdf.text(x + 12, top - cellH + 18, 8, '满意 / 基本满意 / 不满意，可附意见');
  });
  if (sheet.codes.length === 0) pdf.text(MARGIN, PdfWriter.HEIGHT - MARGIN - 20, 18, '无投票码');
  return pdf.toBuffer();
}

/** The QR code as filled squares (vector, sharp at any print size), a quiet zone included in `size`. */
function drawQr(pdf: PdfWriter, text: string, x: number, y: number, size: number): void {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2;
  const unit = size / (modules.size + 2 * quiet);
  for (let r = 0; r < modules.size; r++) {
    let c = 0;
    while (c < modules.size) {
      if (!modules.get(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < modules.size && modules.get(r, c)) c++;
      pdf.rect(x + (quiet + start) * unit, y + size - (quiet + r + 1) * unit, (c - start) * unit, unit);
    }
  }
}
