/**
 * Characters XML 1.0 does not allow in a document (§2.2 Char): the C0 controls but tab and line
 * breaks, U+FFFE, U+FFFF and lone surrogates. The edge refuses them now (libs/contracts
 * storable-text), but a name stored before it may hold one, and a .docx or .xlsx part holding one
 * is XML no reader parses: Word and Excel call the file corrupt.
 */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` as an XML part may hold it: each character XML refuses shown as U+FFFD, the rest as it was. */
export const xmlText = (text: string): string => text.replace(NOT_XML, '\uFFFD');
