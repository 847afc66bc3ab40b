import { isOutOfReach } from '@vanguard/infra-config';

/**
 * What an import job tells its uploader when the database refused it. The job's message is
 * read by anyone who can see the job, so it never carries the database's own text (table,
 * column and constraint names, values from other rows); the full error is in the service log
 * under the job's id.
 */
export function importFailureMessage(e: unknown, jobId: string): string {
  return `导入失败，未导入任何数据 / import failed, nothing was imported: ${failureReason(e)} (job ${jobId}; the details are in the service log)`;
}

function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

const UNAVAILABLE = '数据库暂不可用，请稍后重试 / the database was unavailable; try again later';

function failureReason(e: unknown): string {
  // Before the SQLSTATEs: a refused connect or a dropped socket carries none, and was "an internal error".
  if (isOutOfReach(e)) return UNAVAILABLE;
  const state = sqlState(e);
  if (!state) return '服务器内部错误 / an internal error';
  if (state === '23505') return '有行与已有数据重复 / a row duplicates data already stored';
  if (state === '23503') return '有行引用了不存在的数据 / a row refers to data that does not exist';
  if (state.startsWith('23')) return '有行不符合数据库约束 / a row breaks a database constraint';
  if (state.startsWith('22')) return '有值无法保存（格式或范围不符）/ a value could not be stored (format or range)';
  if (state === '40001' || state === '40P01') return '与其他修改冲突，请重试 / it collided with another change; try again';
  if (state === '57014') return '耗时过长被中止 / it took too long and was stopped';
  if (state.startsWith('53') || state.startsWith('57')) return UNAVAILABLE;
  return '数据库拒绝了导入 / the database refused the import';
}
