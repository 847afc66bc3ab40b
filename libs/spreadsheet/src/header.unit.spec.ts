import { columnOfHeaderCell, labelledHeader, mislabelledColumns } from './header';
describe(mislabelledColumns.name, () => {
  const labels = { id_number: '身份证号', phone: '联系电话', name: '姓名' };

  it('names each cell whose label is another column’s, and takes its own label, a label of the writer’s and a bare name', () => {
    const cells = ['身份证号（phone）', '联系电话(id_number)', '姓名（name）', '手机（phone）', 'name', '备注（可选）', '（id_number）'];
    expect(mislabelledColumns(cells, labels)).toEqual([
      {
        column: 'phone',
        reason:
          '表头“身份证号（phone）”的中文名“身份证号”是 id_number 列的，不是 phone 列的 / header cell 身份证号（phone）: 身份证号 labels id_number, not phone',
      },
      {
        column: 'id_number',
        reason:
          '表头“联系电话(id_number)”的中文名“联系电话”是 phone 列的，不是 id_number 列的 / header cell 联系电话(id_number): 联系电话 labels phone, not id_number',
      },
    ]);
  });

  it('reads every cell an export writes as its own column', () => {
    const columns = Object.keys(labels);
    expect(mislabelledColumns(labelledHeader(columns, labels), labels)).toEqual([]);
    expect(labelledHeader(columns, labels).map(columnOfHeaderCell)).toEqual(columns);
  });
});
