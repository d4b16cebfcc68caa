import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

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

/**
 * CompiledQuery per shape, for a builder that varies per request: written once for each set of
 * conditions (their text and :parameter names, not the values), order, limit and offset, and bound
 * to each builder's parameters. For builders whose selection and joins are always the same (the
 * key leaves them out); at most `maxShapes` kept, all dropped past that.
 */
export class CompiledQueriesByShape<Row> {
  private readonly byShape = new Map<string, CompiledQuery<Row>>();

  constructor(private readonly maxShapes = 500) {}

  rows(manager: EntityManager, qb: SelectQueryBuilder<ObjectLiteral>): Promise<Row[]> {
    const { wheres, orderBys, limit, offset } = qb.expressionMap;
    const shape = JSON.stringify([wheres, orderBys, limit, offset]);
    let query = this.byShape.get(shape);
    if (!query) {
      if (this.byShape.size >= this.maxShapes) this.byShape.clear();
      query = new CompiledQuery<Row>(() => qb);
      this.byShape.set(shape, query);
    }
    return query.rows(manager, qb.getParameters());
  }
}

/**
 * A CompiledQuery whose rows are entities of the builder's main alias, hydrated column by column
 * through the driver as TypeORM's own find does (types, transformers). For plain selects of one
 * entity: no joined relations (this project has no eager relations or load hooks).
 */
export class CompiledEntityQuery<E extends ObjectLiteral> {
  private readonly query: CompiledQuery<Record<string, unknown>>;
  private shape: { alias: string; metadata: EntityMetadata } | null = null;

  constructor(build: (manager: EntityManager) => SelectQueryBuilder<E>) {
    this.query = new CompiledQuery((manager) => {
      const qb = build(manager);
      this.shape = { alias: qb.alias, metadata: qb.expressionMap.mainAlias!.metadata };
      return qb;
    });
  }

  async first(manager: EntityManager, parameters: ObjectLiteral): Promise<E | null> {
    const row = await this.query.first(manager, parameters);
    if (!row || !this.shape) return null;
    const { alias, metadata } = this.shape;
    const entity = metadata.create() as E;
    for (const column of metadata.columns) {
      const value = row[`${alias}_${column.databaseName}`];
      if (value !== undefined && !column.isVirtual) {
        column.setEntityValue(entity, manager.connection.driver.prepareHydratedValue(value, column));
      }
    }
    return entity;
  }
}

/** `SELECT <every column> FROM <entity> WHERE id = :id`, built once: a findOneBy({ id }). */
export function compiledFindById<E extends ObjectLiteral>(target: EntityTarget<E>): CompiledEntityQuery<E> {
  return new CompiledEntityQuery<E>((manager) =>
    manager.getRepository(target).createQueryBuilder('x').where('x.id = :id').limit(1),
  );
}
