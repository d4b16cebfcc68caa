import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A query builder's statement, built once. For a short indexed statement TypeORM's builder costs
 * more CPU than running it, and a statement of fixed shape has the same text every time. The text
 * keeps the builder's named parameters (`:userId`), which the driver binds on each call exactly as
 * the builder would (SQLite integers as INTEGERs, see bindSqliteIntegers; `$n` on PostgreSQL).
 * Rows come back raw, as `getRawMany` returns them.
 */
export class CompiledQuery<Row> {
  private text: string | null = null;

  constructor(private readonly build: (manager: EntityManager) => SelectQueryBuilder<ObjectLiteral>) {}

  async rows(manager: EntityManager, parameters: ObjectLiteral): Promise<Row[]> {
    this.text ??= this.build(manager).getQuery();
    const [sql, values] = manager.connection.driver.escapeQueryWithParameters(this.text, parameters);
    return manager.query<Row[]>(sql, values);
  }

  async first(manager: EntityManager, parameters: ObjectLiteral): Promise<Row | undefined> {
    return (await this.rows(manager, parameters))[0];
  }
}
