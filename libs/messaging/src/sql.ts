/** A table name, optionally schema-qualified, quoted for SQL. */
export function qualifiedTable(table: string, schema?: string): string {
  const q = (id: string) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(id)) throw new Error(`unsafe SQL identifier: ${id}`);
    return `"${id}"`;
  };
  return schema ? `${q(schema)}.${q(table)}` : q(table);
}

/** Anything that can run a parameterised query: pg Pool/PoolClient, or a TypeORM EntityManager/QueryRunner via an adapter. */
export interface SqlExecutor {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}
