import { columnOfHeaderCell, labelledHeader, mislabelledColumns } from './header';

describe(mislabelledColumns.name, () => {
  const members = { id_number: '身份证号', phone: '联系电话', name: '姓名', org_code: '组织代码' };
  const organisations = { code: '组织代码', parent_code: '上级组织代码', name: '组织名称' };
  const refused = (cells: readonly string[], labels: Record<string, string>) =>
    mislabelledColumns(cells, labels).map((p) => [p.column, p.reason]);

  it('names a cell whose label is another column’s, or holds it, and says how to head it', () => {
    expect(refused(['身份证号（phone）', '联系电话(ID_Number)', '身份证号码 （phone）'], members)).toEqual([
      [
        'phone',
        '表头“身份证号（phone）”的中文名是 id_number 列的（身份证号），括号内却是 phone；请核对该列内容，改为“联系电话（phone）”或“身份证号（id_number）” / ' +
          "header cell 身份证号（phone）: its label is id_number's (身份证号) but its bracket says phone; check the column's values and head it 联系电话（phone） or 身份证号（id_number）",
      ],
      ['id_number', expect.stringContaining('“联系电话(ID_Number)”的中文名是 phone 列的（联系电话），括号内却是 id_number')],
      ['phone', expect.stringContaining('“身份证号码 （phone）”的中文名是 id_number 列的（身份证号）')],
    ]);
  });

  it('takes a cell holding two labels of the longest length when one is its own', () => {
    const roster = { roles: '职务', posts: '岗位' };
    expect(refused(['岗位职务（posts）', '岗位职务（roles）', '职务（posts）'], roster)).toEqual([
      ['posts', expect.stringContaining('的中文名是 roles 列的（职务）')],
    ]);
  });

  it('judges by the longest of the format’s labels the cell holds', () => {
    expect(refused(['上级组织代码（code）', '上级组织代码（parent_code）', '组织代码（code）'], organisations)).toEqual([
      ['code', expect.stringContaining('的中文名是 parent_code 列的（上级组织代码）')],
    ]);
  });

  it('takes its own label, one holding it, a label of the writer’s, a bare name, and leaves an unknown column to the unknown-column check', () => {
    const cells = [
      '姓名（name）',
      '党组织代码（org_code）',
      '身份证号码（id_number）',
      '手机（phone）',
      'name',
      '备注（可选）',
      '（id_number）',
    ];
    expect(refused(cells, members)).toEqual([]);
    // `code` is the organisations format's, not the members': refused there as an unknown column.
    expect(refused(['组织代码（code）'], members)).toEqual([]);
  });

  it('reads every cell an export writes as its own column', () => {
    for (const labels of [members, organisations]) {
      const columns = Object.keys(labels);
      expect(mislabelledColumns(labelledHeader(columns, labels), labels)).toEqual([]);
      expect(labelledHeader(columns, labels).map(columnOfHeaderCell)).toEqual(columns);
    }
  });
});
