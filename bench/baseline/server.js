'use strict';
/**
 * The baseline: plain node:http + the app's driver (`pg`, or `better-sqlite3` for a `sqlite:` URL)
 * answering the benchmark's requests with the same SQL the app issues (token lookup by hash, count,
 * page select with joins, insert in a transaction), and JSON.stringify. No framework, no validation
 * library, no rate limiting: the floor to compare with.
 */
const { createHash } = require('node:crypto');
const http = require('node:http');

/**
 * The two drivers behind one interface. SQL is written with `?` placeholders (numbered `$n` for
 * PostgreSQL, as the app's TransactionService does); `transaction` runs `work(query)` between
 * BEGIN and COMMIT, on one pooled client (PostgreSQL) or, on SQLite's single connection, queued
 * behind the previous transaction and begun IMMEDIATE, as the app does.
 */
function openDatabase(databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) {
    const Database = require('better-sqlite3');
    const file = databaseUrl.slice('sqlite:'.length);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    const statements = new Map();
    const query = async (sql, params = []) => {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare(sql)));
      return statement.reader ? statement.all(...params) : (statement.run(...params), []);
    };
    let tail = Promise.resolve();
    const transaction = (work) => {
      const result = tail.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const [status, body] = await work(query);
          db.exec(status < 300 ? 'COMMIT' : 'ROLLBACK');
          return [status, body];
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
      tail = result.catch(() => undefined);
      return result;
    };
    return {
      kind: 'sqlite',
      file,
      query,
      transaction,
      // SQLite keeps timestamps as the text TypeORM writes ('YYYY-MM-DD HH:MM:SS.SSS', UTC).
      timestamp: (date) => date.toISOString().replace('T', ' ').replace('Z', ''),
      date: (value) => (value === null ? null : new Date(`${value.replace(' ', 'T')}Z`)),
      close: async () => db.close(),
    };
  }
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const numbered = (sql) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  const query = async (sql, params = [], client = pool) => (await client.query(numbered(sql), params)).rows;
  const transaction = async (work) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const [status, body] = await work((sql, params) => query(sql, params, client));
      await client.query(status < 300 ? 'COMMIT' : 'ROLLBACK');
      return [status, body];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    kind: 'postgres',
    pool,
    query,
    transaction,
    timestamp: (date) => date,
    date: (value) => value,
    close: () => pool.end(),
  };
}

function createBaselineServer(databaseUrl) {
  const db = openDatabase(databaseUrl);
  const pg = db.kind === 'postgres';
  const now = () => db.timestamp(new Date());
  /** PostgreSQL serialises a user's writes with a transaction-scoped advisory lock (SQLite: BEGIN IMMEDIATE). */
  const lockUser = (query, userId) => (pg ? query('SELECT pg_advisory_xact_lock(7243, ?)', [userId]) : undefined);
  const authenticate = async (req) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const hash = createHash('sha256').update(token).digest('hex');
    const rows = await db.query(
      'SELECT t.id, t.user_id, t.scopes, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.is_active AND u.is_active',
      [hash],
    );
    return rows[0] ?? null;
  };
  const send = (res, status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const page = (url) => {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 50) || 50, 100);
    const pageNo = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    return { perPage, pageNo, offset: (pageNo - 1) * perPage };
  };
  const entryResponse = (e) => ({
    id: e.id,
    user_id: e.user_id,
    user: e.username,
    project_id: e.project_id,
    project: e.project_name,
    client_id: e.client_id,
    client: e.client_name,
    task_id: e.task_id,
    task: e.task_name,
    start_time: db.date(e.start_time),
    end_time: db.date(e.end_time),
    duration_seconds: e.duration_seconds,
    notes: e.notes,
    tags: e.tags,
    billable: Boolean(e.billable),
    paid: Boolean(e.paid),
  });

  const ENTRY_WITH_NAMES = `SELECT e.*, u.username, p.name AS project_name, c.name AS client_name, t.name AS task_name
    FROM time_entries e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN projects p ON p.id = e.project_id
    LEFT JOIN clients c ON c.id = e.client_id LEFT JOIN tasks t ON t.id = e.task_id`;
  const outboxEvent = (query, type, auth, entry) =>
    query('INSERT INTO webhook_events (event_id, event_type, payload, created_at) VALUES (?, ?, ?, ?)', [
      `evt_${createHash('sha1').update(`${process.pid}:${Math.random()}`).digest('hex').slice(0, 24)}`,
      type,
      JSON.stringify({ event_type: type, user: { id: auth.user_id, username: auth.username }, data: entry }),
      now(),
    ]);
  /** `work` answers [status, body] inside a transaction; a failure is a 500. */
  const inTransaction = async (res, work) => {
    try {
      const [status, body] = await db.transaction(work);
      send(res, status, body);
    } catch (error) {
      send(res, 500, { error_code: 'internal_error', message: String(error.message) });
    }
  };

  const routes = {
    'GET /api/v1/time-entries': async (req, res, url, auth) => {
      const { perPage, pageNo, offset } = page(url);
      const where = 'e.user_id = ? AND e.end_time IS NOT NULL';
      const [count, rows] = await Promise.all([
        db.query(`SELECT COUNT(*) AS n FROM time_entries e WHERE ${where}`, [auth.user_id]),
        db.query(`${ENTRY_WITH_NAMES} WHERE ${where} ORDER BY e.start_time DESC, e.id DESC LIMIT ? OFFSET ?`, [
          auth.user_id,
          perPage,
          offset,
        ]),
      ]);
      const total = Number(count[0].n);
      send(res, 200, {
        time_entries: rows.map(entryResponse),
        pagination: { page: pageNo, per_page: perPage, total, pages: Math.ceil(total / perPage) },
      });
    },
    'GET /api/v1/projects': async (req, res, url) => {
      const { perPage, pageNo, offset } = page(url);
      const [count, rows] = await Promise.all([
        db.query("SELECT COUNT(*) AS n FROM projects p WHERE p.status <> 'archived'"),
        db.query(
          `SELECT p.*, c.name AS client_name FROM projects p LEFT JOIN clients c ON c.id = p.client_id
           WHERE p.status <> 'archived' ORDER BY p.name ASC, p.id ASC LIMIT ? OFFSET ?`,
          [perPage, offset],
        ),
      ]);
      const ids = rows.map((p) => p.id);
      const hours = ids.length
        ? await db.query(
            `SELECT project_id, SUM(duration_seconds) AS total, SUM(CASE WHEN billable THEN duration_seconds ELSE 0 END) AS billable
             FROM time_entries WHERE project_id IN (${ids.map(() => '?').join(', ')}) AND end_time IS NOT NULL GROUP BY project_id`,
            ids,
          )
        : [];
      const byId = new Map(hours.map((h) => [h.project_id, h]));
      const total = Number(count[0].n);
      send(res, 200, {
        projects: rows.map((p) => ({
          id: p.id,
          name: p.name,
          client_id: p.client_id,
          client: p.client_name,
          status: p.status,
          total_hours: Math.round((Number(byId.get(p.id)?.total ?? 0) / 3600) * 100) / 100,
        })),
        pagination: { page: pageNo, per_page: perPage, total, pages: Math.ceil(total / perPage) },
      });
    },
    // The timer: the same statements the app runs (start: where it goes, then in the transaction
    // owner, project, client, the user's lock, the running check, insert, outbox; stop: lock,
    // running entry with names, update, outbox).
    'POST /api/v1/timer/start': async (req, res, url, auth, body) => {
      const started = new Date();
      const chained = await db.query(
        `SELECT id, end_time FROM time_entries WHERE user_id = ? AND source = 'timer' AND start_time > ? AND end_time > ?
         ORDER BY end_time DESC LIMIT 1`,
        [auth.user_id, db.timestamp(new Date(started.getTime() - 86_400_000)), db.timestamp(started)],
      );
      const start = chained[0]?.end_time ?? db.timestamp(started);
      await inTransaction(res, async (query) => {
        await query('SELECT id, username, is_active FROM users WHERE id = ?', [auth.user_id]);
        const [project] = await query('SELECT * FROM projects WHERE id = ?', [body.project_id]);
        if (!project) return [404, { error_code: 'not_found' }];
        if (project.status === 'archived') return [400, { error_code: 'validation_error' }];
        if (project.client_id !== null) await query('SELECT * FROM clients WHERE id = ?', [project.client_id]);
        await lockUser(query, auth.user_id);
        const running = await query('SELECT 1 FROM time_entries WHERE user_id = ? AND end_time IS NULL LIMIT 1', [
          auth.user_id,
        ]);
        if (running[0]) return [409, { error_code: 'timer_already_running' }];
        const inserted = await query(
          `INSERT INTO time_entries (user_id, project_id, client_id, start_time, source, billable, paid, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'timer', ?, ?, ?, ?) RETURNING *`,
          [auth.user_id, body.project_id, project.client_id, start, pg ? true : 1, pg ? false : 0, now(), now()],
        );
        const timer = entryResponse(inserted[0]);
        await outboxEvent(query, 'timer.started', auth, timer);
        return [201, { message: 'Timer started successfully', timer }];
      });
    },
    'POST /api/v1/timer/stop': async (req, res, url, auth) => {
      await inTransaction(res, async (query) => {
        await lockUser(query, auth.user_id);
        const running = await query(`${ENTRY_WITH_NAMES} WHERE e.user_id = ? AND e.end_time IS NULL LIMIT 1`, [
          auth.user_id,
        ]);
        if (!running[0]) return [409, { error_code: 'no_active_timer' }];
        const entry = entryResponse(running[0]);
        const end = new Date(Math.max(Date.now(), entry.start_time.getTime() + 1000));
        const duration = Math.floor((end - entry.start_time) / 1000);
        await query('UPDATE time_entries SET end_time = ?, duration_seconds = ?, updated_at = ? WHERE id = ?', [
          db.timestamp(end),
          duration,
          now(),
          entry.id,
        ]);
        // As the app: answers from the entry it holds under the user's lock, no re-read.
        const stopped = { ...entry, end_time: end, duration_seconds: duration };
        await outboxEvent(query, 'timer.stopped', auth, stopped);
        return [200, { message: 'Timer stopped successfully', time_entry: stopped }];
      });
    },
    'POST /api/v1/time-entries': async (req, res, url, auth, body) => {
      const start = new Date(body.start_time);
      const end = new Date(body.end_time);
      await inTransaction(res, async (query) => {
        const project = await query('SELECT id, client_id FROM projects WHERE id = ?', [body.project_id]);
        if (!project[0]) return [404, { error_code: 'not_found' }];
        await lockUser(query, auth.user_id);
        const overlap = await query(
          'SELECT 1 FROM time_entries WHERE user_id = ? AND end_time IS NOT NULL AND start_time < ? AND end_time > ? LIMIT 1',
          [auth.user_id, db.timestamp(end), db.timestamp(start)],
        );
        if (overlap[0]) return [409, { error_code: 'time_overlap' }];
        const inserted = await query(
          `INSERT INTO time_entries (user_id, project_id, client_id, start_time, end_time, duration_seconds, notes, source, billable, paid, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'manual', ?, ?, ?, ?) RETURNING *`,
          [
            auth.user_id,
            body.project_id,
            project[0].client_id,
            db.timestamp(start),
            db.timestamp(end),
            Math.floor((end - start) / 1000),
            body.notes ?? null,
            pg ? true : 1,
            pg ? false : 0,
            now(),
            now(),
          ],
        );
        return [201, { message: 'Time entry created successfully', time_entry: entryResponse(inserted[0]) }];
      });
    },
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      try {
        const url = new URL(req.url, 'http://baseline');
        if (url.pathname === '/api/v1/health') return send(res, 200, { status: 'ok' });
        const handler = routes[`${req.method} ${url.pathname}`];
        if (!handler) return send(res, 404, { error_code: 'not_found' });
        const auth = await authenticate(req);
        if (!auth) return send(res, 401, { error_code: 'unauthorized' });
        await handler(req, res, url, auth, raw ? JSON.parse(raw) : undefined);
      } catch (error) {
        send(res, 500, { error_code: 'internal_error', message: String(error.message) });
      }
    });
  });
  return {
    listen: (port = 0) =>
      new Promise((resolve) =>
        server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)),
      ),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await db.close();
    },
  };
}

module.exports = { createBaselineServer, openDatabase };

if (require.main === module) {
  // Run alone (as the benchmark does, so that it gets its own process like the app):
  // DATABASE_URL=postgres://... (or sqlite:/path/file.sqlite) PORT=3999 node bench/baseline/server.js
  const server = createBaselineServer(process.env.DATABASE_URL);
  server.listen(Number(process.env.PORT ?? 0)).then((url) => console.log(`baseline listening on ${url}`));
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
}
