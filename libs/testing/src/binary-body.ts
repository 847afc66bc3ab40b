/** supertest's parser for a binary answer (a bundle, a .docx, a PDF): the whole body as one Buffer. Use with `.buffer(true)`. */
export function binaryBody(
  res: { on(event: 'data' | 'end', listener: (chunk: Buffer) => void): unknown },
  done: (err: Error | null, body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  res.on('data', (b) => chunks.push(b));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
