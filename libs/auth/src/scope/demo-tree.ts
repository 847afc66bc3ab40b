import { OrgTreeProjection } from './org-tree.projection';
import { OrganizationRegistered } from '@vanguard/contracts';
import { demoOrgId } from '@vanguard/infra-config';
import type { SqlExecutor } from '@vanguard/messaging';

/** The demo region the realm's users point into (ids are `demoOrgId(code)`), parents first. */
export const DEMO_TREE: readonly { code: string; name: string; level: string }[] = [
  { code: '91', name: '示范省', level: 'province' },
  { code: '9104', name: '青山市', level: 'city' },
  { code: '910425', name: '松岭旗', level: 'county' },
  { code: '910426', name: '河口县', level: 'county' },
  { code: '910425101', name: '白桦镇', level: 'township' },
  { code: '910425102', name: '河口镇', level: 'township' },
  { code: '910425101201', name: '红石村', level: 'village' },
];

/**
 * 松岭旗's window and service units (窗口单位, seed 004) that the field-work demo divides into
 * zones with 白桦镇, 河口镇 and 红石村: county organs' branches directly under the county, at the
 * codes the synthetic county gives its organs (`9104259xxxxx`), so the organization service's
 * seed registers them under these names and the same ids.
 */
export const DEMO_FIELD_UNITS: readonly { code: string; name: string; level: string }[] = [
  '水利工作站',
  '林业工作站',
  '政务服务中心',
  '税务局办税服务厅',
  '不动产登记中心',
  '社会保险事业管理局服务大厅',
  '医疗保障局经办大厅',
  '住房公积金管理中心',
  '公安局户政服务大厅',
  '公安局交警大队车管所',
  '消防救援大队',
  '人民法院诉讼服务中心',
  '人民检察院控告申诉接待室',
  '司法局公共法律服务中心',
  '民政局婚姻登记处',
  '信访局接待大厅',
  '退役军人服务中心',
  '人民医院',
  '蒙医医院',
  '妇幼保健院',
  '供电公司营业厅',
  '自来水公司营业厅',
  '汽车客运站',
  '农村信用合作联社营业部',
  '邮政局营业厅',
  '12345便民服务热线',
  '市场监督管理局登记注册窗口',
  '就业服务局',
  '残疾人联合会服务窗口',
  '第一中学',
  '实验小学',
  '职业教育中心',
  '图书馆',
  '文化馆',
  '广播电视台',
  '城市管理综合执法局',
  '环卫服务中心',
  '住房保障服务中心',
  '农牧业技术推广中心',
  '动物疫病预防控制中心',
  '气象局',
].map((name, i) => ({ code: `9104259${String(i + 1).padStart(5, '0')}`, name: `松岭旗${name}`, level: 'village' }));

/**
 * Bootstraps a service's org-tree copy with the demo region, as a snapshot would, before the
 * organization topic has been read. Rows go in at version 0, so the organization
 * service's own events (version 1 and up) replace them whenever they arrive.
 */
export async function bootstrapDemoTree(db: SqlExecutor): Promise<void> {
  await bootstrap(db, DEMO_TREE);
}

/** The field units likewise, for the seeds that use them (tests keep the small tree). */
export async function bootstrapDemoFieldUnits(db: SqlExecutor): Promise<void> {
  await bootstrap(db, [...DEMO_TREE, ...DEMO_FIELD_UNITS]);
}

async function bootstrap(db: SqlExecutor, tree: readonly { code: string; name: string; level: string }[]): Promise<void> {
  const projection = new OrgTreeProjection();
  for (const o of tree) {
    const parentCode = tree.filter((p) => o.code.startsWith(p.code) && p.code !== o.code).at(-1)?.code ?? null;
    await projection.apply(db, {
      type: OrganizationRegistered.type,
      streamVersion: 0,
      data: {
        organizationId: demoOrgId(o.code),
        parentId: parentCode ? demoOrgId(parentCode) : null,
        parentCode,
        code: o.code,
        name: o.name,
        level: o.level,
      },
    });
  }
}
