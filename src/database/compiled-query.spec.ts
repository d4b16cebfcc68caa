import { DataSource } from 'typeorm';
import { ClientEntity } from '../modules/clients/client.entity';
import { ProjectEntity } from '../modules/projects/project.entity';
import { CompiledQueriesByShape, CompiledQuery, compiledFindById } from './compiled-query';
import { bindSqliteIntegers } from './sqlite-integer-parameters';

describe('CompiledQuery', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    bindSqliteIntegers(dataSource);
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE t (id INTEGER PRIMARY KEY, owner INTEGER, code VARCHAR(10), at DATETIME)');
    await dataSource.query(
      "INSERT INTO t VALUES (1, 5, '42', '2025-01-01 10:00:00.000'), (2, 5, 'x', '2025-01-02 10:00:00.000'), " +
        "(3, 6, 'y', '2025-01-03 10:00:00.000')",
    );
  });

  afterAll(() => dataSource.destroy());

  const builder = () =>
    dataSource
      .createQueryBuilder()
      .select('t.id', 'id')
      .from('t', 't')
      .where('t.owner = :owner')
      .andWhere('t.at > :after')
      .orderBy('t.id', 'DESC');

  it('should build the statement once and answer as the builder does, for every set of parameters', async () => {
    let builds = 0;
    const compiled = new CompiledQuery<{ id: number }>(() => {
      builds++;
      return builder();
    });
    for (const parameters of [
      { owner: 5, after: new Date('2024-12-31T00:00:00Z') },
      { owner: 5, after: new Date('2025-01-01T12:00:00Z') },
      { owner: 6, after: new Date('2024-12-31T00:00:00Z') },
      { owner: 7, after: new Date('2024-12-31T00:00:00Z') },
    ]) {
      const expected = await builder().setParameters(parameters).getRawMany();
      expect(await compiled.rows(dataSource.manager, parameters)).toEqual(expected);
    }
    expect(builds).toBe(1);
    expect(await compiled.first(dataSource.manager, { owner: 5, after: new Date(0) })).toEqual({ id: 2 });
    expect(await compiled.first(dataSource.manager, { owner: 9, after: new Date(0) })).toBeUndefined();
  });

  it('should write one statement per shape and bind each builder’s own parameters', async () => {
    const byShape = new CompiledQueriesByShape<{ id: number }>();
    let written = 0;
    const shaped = (owner: number, code: string | null, limit: number) => {
      const qb = dataSource
        .createQueryBuilder()
        .select('t.id', 'id')
        .from('t', 't')
        .where('t.owner = :owner', { owner });
      if (code !== null) qb.andWhere('t.code = :code', { code });
      const getQuery = qb.getQuery.bind(qb);
      qb.getQuery = () => {
        written++;
        return getQuery();
      };
      return qb.orderBy('t.id', 'ASC').limit(limit);
    };
    const cases: Array<[number, string | null, number, number[]]> = [
      [5, null, 10, [1, 2]],
      [6, null, 10, [3]],
      [5, 'x', 10, [2]],
      [5, '42', 10, [1]],
      [5, null, 1, [1]],
      [6, 'x', 10, []],
    ];
    for (const [owner, code, limit, ids] of cases) {
      expect(await byShape.rows(dataSource.manager, shaped(owner, code, limit))).toEqual(ids.map((id) => ({ id })));
    }
    // Shapes: no code at limit 10, a code at limit 10, no code at limit 1.
    expect(written).toBe(3);
  });

  it('should bind integers as the builder does (an INTEGER, not a REAL)', async () => {
    const compiled = new CompiledQuery<{ id: number }>(() =>
      dataSource.createQueryBuilder().select('t.id', 'id').from('t', 't').where('t.code = :code'),
    );
    // A REAL 42.0 would compare to the text column as '42.0' and find nothing.
    expect(await compiled.rows(dataSource.manager, { code: 42 })).toEqual([{ id: 1 }]);
  });
});

describe('compiledFindById', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [ClientEntity, ProjectEntity],
      synchronize: true,
    });
    bindSqliteIntegers(dataSource);
    await dataSource.initialize();
  });

  afterAll(() => dataSource.destroy());

  it('should hydrate the entity exactly as findOneBy does (types, transformers, nulls)', async () => {
    const now = new Date('2025-03-04T05:06:07.089Z');
    const client = await dataSource.getRepository(ClientEntity).save({
      name: 'Acme',
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    const saved = await dataSource.getRepository(ProjectEntity).save([
      {
        name: 'Rates',
        clientId: client.id,
        billable: false,
        hourlyRate: 85.5,
        estimatedHours: null,
        budgetAmount: 12000.25,
        archivedAt: now,
        createdAt: now,
        updatedAt: now,
      },
      { name: 'Plain', createdAt: now, updatedAt: now },
    ]);
    const byId = compiledFindById(ProjectEntity);
    for (const { id } of saved) {
      const expected = await dataSource.manager.findOneBy(ProjectEntity, { id });
      const found = await byId.first(dataSource.manager, { id });
      expect(found).toBeInstanceOf(ProjectEntity);
      expect(found).toEqual(expected);
    }
    expect((await byId.first(dataSource.manager, { id: saved[0].id }))?.hourlyRate).toBe(85.5);
    expect(await byId.first(dataSource.manager, { id: 999 })).toBeNull();
  });
});
