'use strict';
/**
 * The baseline: plain node:http + pg answering the benchmark's requests with the same SQL the app
 * issues (token lookup by hash, count, page select with joins, insert in a transaction), and
 * JSON.stringify. No framework, no validation library, no rate limiting: the floor to compare with.
 */
const { createHash } = require('node:crypto');
const http = require('node:http');
const { Pool } = require('pg');

function createBaselineServer(databaseUrl) {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const authenticate = async (req) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const hash = createHash('sha256').update(token).digest('hex');
    const { rows } = await pool.query(
      'SELECT t.id, t.user_id, t.scopes, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.is_active AND u.is_active',
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

  const ENTRY_WITH_NAMES = `SELECT e.*, u.username, p.name AS project_name, c.name AS client_name, t.name AS task_name
    FROM time_entries e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN projects p ON p.id = e.project_id
    LEFT JOIN clients c ON c.id = e.client_id LEFT JOIN tasks t ON t.id = e.task_id`;
  const outboxEvent = (client, type, auth, entry) =>
    client.query('INSERT INTO webhook_events (event_id, event_type, payload, created_at) VALUES ($1, $2, $3, now())', [
      `evt_${createHash('sha1').update(`${process.pid}:${Math.random()}`).digest('hex').slice(0, 24)}`,
      type,
      JSON.stringify({ event_type: type, user: { id: auth.user_id, username: auth.username }, data: entry }),
    ]);
  /** BEGIN ... COMMIT on one pooled client; `work` answers with [status, body]. */
  const inTransaction = async (res, work) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const [status, body] = await work(client);
      await client.query(status < 300 ? 'COMMIT' : 'ROLLBACK');
      return [status, body];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      send(res, 500, { error_code: 'internal_error', message: String(error.message) });
      return null;
    } finally {
      client.release();
    }
  };

  const routes = {
    'GET /api/v1/time-entries': async (req, res, url, auth) => {
      const { perPage, pageNo, offset } = page(url);
      const where = 'e.user_id = $1 AND e.end_time IS NOT NULL';
      const [count, rows] = await Promise.all([
        pool.query(`SELECT COUNT(*) AS n FROM time_entries e WHERE ${where}`, [auth.user_id]),
        pool.query(
          `SELECT e.*, u.username, p.name AS project_name, c.name AS client_name, t.name AS task_name FROM time_entries e
           LEFT JOIN users u ON u.id = e.user_id LEFT JOIN projects p ON p.id = e.project_id
           LEFT JOIN clients c ON c.id = e.client_id LEFT JOIN tasks t ON t.id = e.task_id
           WHERE ${where} ORDER BY e.start_time DESC, e.id DESC LIMIT $2 OFFSET $3`,
          [auth.user_id, perPage, offset],
        ),
      ]);
      const total = Number(count.rows[0].n);
      send(res, 200, {
        time_entries: rows.rows.map((e) => ({
          id: e.id,
          user_id: e.user_id,
          user: e.username,
          project_id: e.project_id,
          project: e.project_name,
          client_id: e.client_id,
          client: e.client_name,
          task_id: e.task_id,
          task: e.task_name,
          start_time: e.start_time,
          end_time: e.end_time,
          duration_seconds: e.duration_seconds,
          notes: e.notes,
          tags: e.tags,
          billable: e.billable,
          paid: e.paid,
        })),
        pagination: { page: pageNo, per_page: perPage, total, pages: Math.ceil(total / perPage) },
      });
    },
    'GET /api/v1/projects': async (req, res, url) => {
      const { perPage, pageNo, offset } = page(url);
      const [count, rows] = await Promise.all([
        pool.query("SELECT COUNT(*) AS n FROM projects p WHERE p.status <> 'archived'"),
        pool.query(
          `SELECT p.*, c.name AS client_name FROM projects p LEFT JOIN clients c ON c.id = p.client_id
           WHERE p.status <> 'archived' ORDER BY p.name ASC, p.id ASC LIMIT $1 OFFSET $2`,
          [perPage, offset],
        ),
      ]);
      const ids = rows.rows.map((p) => p.id);
      const hours = ids.length
        ? await pool.query(
            `SELECT project_id, SUM(duration_seconds) AS total, SUM(CASE WHEN billable THEN duration_seconds ELSE 0 END) AS billable
             FROM time_entries WHERE project_id = ANY($1) AND end_time IS NOT NULL GROUP BY project_id`,
            [ids],
          )
        : { rows: [] };
      const byId = new Map(hours.rows.map((h) => [h.project_id, h]));
      const total = Number(count.rows[0].n);
      send(res, 200, {
        projects: rows.rows.map((p) => ({
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
    // The timer: the same statements the app runs (project, where the start goes, owner, refs,
    // the user's advisory lock, the running check, insert, outbox; stop: lock, running, update,
    // outbox, re-read with names).
    'POST /api/v1/timer/start': async (req, res, url, auth, body) => {
      const now = new Date();
      const project = await pool.query('SELECT id, status, client_id FROM projects WHERE id = $1', [body.project_id]);
      if (!project.rows[0]) return send(res, 404, { error_code: 'not_found' });
      const chained = await pool.query(
        `SELECT id, end_time FROM time_entries WHERE user_id = $1 AND source = 'timer' AND start_time > $2 AND end_time > $3
         ORDER BY end_time DESC LIMIT 1`,
        [auth.user_id, new Date(now.getTime() - 86_400_000), now],
      );
      const start = chained.rows[0]?.end_time ?? now;
      const answer = await inTransaction(res, async (client) => {
        await client.query('SELECT id, username FROM users WHERE id = $1', [auth.user_id]);
        await client.query(
          'SELECT p.*, c.name AS client_name FROM projects p LEFT JOIN clients c ON c.id = p.client_id WHERE p.id = $1',
          [body.project_id],
        );
        await client.query('SELECT pg_advisory_xact_lock(7243, $1)', [auth.user_id]);
        const running = await client.query(`${ENTRY_WITH_NAMES} WHERE e.user_id = $1 AND e.end_time IS NULL LIMIT 1`, [
          auth.user_id,
        ]);
        if (running.rows[0]) return [409, { error_code: 'timer_already_running' }];
        const inserted = await client.query(
          `INSERT INTO time_entries (user_id, project_id, client_id, start_time, source, billable, paid, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'timer', true, false, now(), now()) RETURNING *`,
          [auth.user_id, body.project_id, project.rows[0].client_id, start],
        );
        await outboxEvent(client, 'timer.started', auth, inserted.rows[0]);
        return [201, { message: 'Timer started successfully', timer: inserted.rows[0] }];
      });
      if (answer) send(res, answer[0], answer[1]);
    },
    'POST /api/v1/timer/stop': async (req, res, url, auth) => {
      const answer = await inTransaction(res, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(7243, $1)', [auth.user_id]);
        const running = await client.query(`${ENTRY_WITH_NAMES} WHERE e.user_id = $1 AND e.end_time IS NULL LIMIT 1`, [
          auth.user_id,
        ]);
        const entry = running.rows[0];
        if (!entry) return [409, { error_code: 'no_active_timer' }];
        const end = new Date(Math.max(Date.now(), entry.start_time.getTime() + 1000));
        await client.query(
          'UPDATE time_entries SET end_time = $2, duration_seconds = $3, updated_at = now() WHERE id = $1',
          [entry.id, end, Math.floor((end - entry.start_time) / 1000)],
        );
        await outboxEvent(client, 'timer.stopped', auth, { ...entry, end_time: end });
        return [200, entry.id];
      });
      if (!answer) return;
      if (answer[0] !== 200) return send(res, answer[0], answer[1]);
      const reloaded = await pool.query(`${ENTRY_WITH_NAMES} WHERE e.id = $1`, [answer[1]]);
      send(res, 200, { message: 'Timer stopped successfully', time_entry: reloaded.rows[0] });
    },
    'POST /api/v1/time-entries': async (req, res, url, auth, body) => {
      const start = new Date(body.start_time);
      const end = new Date(body.end_time);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const project = await client.query('SELECT id, client_id FROM projects WHERE id = $1', [body.project_id]);
        if (!project.rows[0]) {
          await client.query('ROLLBACK');
          return send(res, 404, { error_code: 'not_found' });
        }
        await client.query('SELECT pg_advisory_xact_lock(7243, $1)', [auth.user_id]);
        const overlap = await client.query(
          'SELECT 1 FROM time_entries WHERE user_id = $1 AND end_time IS NOT NULL AND start_time < $3 AND end_time > $2 LIMIT 1',
          [auth.user_id, start, end],
        );
        if (overlap.rows[0]) {
          await client.query('ROLLBACK');
          return send(res, 409, { error_code: 'time_overlap' });
        }
        const inserted = await client.query(
          `INSERT INTO time_entries (user_id, project_id, client_id, start_time, end_time, duration_seconds, notes, source, billable, paid, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'manual', true, false, now(), now()) RETURNING *`,
          [
            auth.user_id,
            body.project_id,
            project.rows[0].client_id,
            start,
            end,
            Math.floor((end - start) / 1000),
            body.notes ?? null,
          ],
        );
        await client.query('COMMIT');
        send(res, 201, { message: 'Time entry created successfully', time_entry: inserted.rows[0] });
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        send(res, 500, { error_code: 'internal_error', message: String(error.message) });
      } finally {
        client.release();
      }
    },
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      try {
        const url = new URL(req.url, 'http://baseline');
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
      await pool.end();
    },
  };
}

module.exports = { createBaselineServer };

if (require.main === module) {
  // Run alone (as the benchmark does, so that it gets its own process like the app):
  // DATABASE_URL=postgres://... PORT=3999 node bench/baseline/server.js
  const server = createBaselineServer(process.env.DATABASE_URL);
  server.listen(Number(process.env.PORT ?? 0)).then((url) => console.log(`baseline listening on ${url}`));
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
}
