/**
 * The roster's file reader is libs/spreadsheet's (bounds against zip bombs, linear-time CSV,
 * streaming rows), shared with assistance's project import; these are its names here.
 */
export {
  openSheet as openRoster,
  SheetRefusedError as RosterRefusedError,
  type SheetReadLimits as RosterReadLimits,
  type SheetRecord as RosterRecord,
  type SheetSource as RosterSource,
} from '@vanguard/spreadsheet';
