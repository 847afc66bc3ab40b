// The zip builder moved to libs/spreadsheet with the bounds it tests; the organization suites keep their import.
export { zipOf, type ZipEntry } from '@vanguard/spreadsheet/testing';
