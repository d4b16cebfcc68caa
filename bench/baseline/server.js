'use strict';
/**
 * The baseline: the best raw server we know for the two routes bench/app-vs-baseline compares,
 * `GET /api/v1/time-entries` (page 1 or `page`, a user's own list) and `POST /api/v1/time-entries`.
 * Plain node:http, the app's drivers (`pg`, `better-sqlite3`), the app's indexes, and the best SQL
 * for them: named prepared statements, the page and its capped count in one statement, the create
 * in four round trips (BEGIN + the user's lock, the checks and the new id, both inserts, COMMIT).
 * It keeps what the app must keep: a token cache like the app's (500 ms), the user's advisory lock
 * and the overlap check, the webhook outbox row, and answers with the app's exact response bytes.
 * No validation library, no rate limiting, no framework: the floor to compare with.
 */
const { createHash, randomBytes } = require('node:crypto');
const http = require('node:http');

const AUTH_CACHE_TTL_MS = 500;
const MAX_PER_PAGE = 100;

// ---- the app's wire format (src/modules/time-entries/time-entry.mapper.ts, common/pagination) ----

/** `2024-01-15T09:00:00Z` from a Date (PostgreSQL) or stored text `2024-01-15 09:00:00.000` (SQLite). */
const iso = (v) =>
  typeof v === 'string' ? `${v.slice(0, 10)}T${v.slice(11, 19)}Z` : `${v.toISOString().slice(0, 19)}Z`;
const isoMs = (v) => (typeof v === 'string' ? `${v.slice(0, 10)}T${v.slice(11, 23)}Z` : v.toISOString());
const pad = (n) => (n < 10 ? `0${n}` : String(n));
const formatted = (s) => `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
const tagList = (tags) =>
  tags
    ? tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : [];

/** A completed entry row as the app answers it. */
function entryResponse(r) {
  const seconds = Number(r.duration_seconds);
  return {
    id: Number(r.id),
    user_id: Number(r.user_id),
    user: r.username,
    project_id: r.project_id,
    project: r.project_name,
    client_id: r.client_id,
    client: r.client_name,
    task_id: r.task_id,
    task: r.task_name,
    start_time: iso(r.start_time),
    end_time: iso(r.end_time),
    duration_seconds: seconds,
    duration_hours: Math.round((seconds / 3600) * 100) / 100,
    duration_formatted: formatted(seconds),
    break_seconds: Number(r.break_seconds),
    paused: false,
    paused_at: null,
    notes: r.notes,
    tags: r.tags,
    tag_list: tagList(r.tags),
    source: r.source,
    billable: Boolean(r.billable),
    paid: Boolean(r.paid),
    invoice_number: r.invoice_number,
    is_active: false,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

/** The app's opaque cursor (common/pagination/cursor.ts). */
function cursor(values, rowsBefore) {
  const json = JSON.stringify([1, 'time_entries', '-start_time,-id', values, rowsBefore]);
  const check = createHash('sha256').update(`tt-cursor:${json}`).digest().subarray(0, 8);
  return Buffer.concat([check, Buffer.from(json, 'utf8')]).toString('base64url');
}

/** The list envelope from the fetched rows (one more than the page when another follows) and the count. */
function listBody(fetched, total, estimate, page, perPage) {
  const rowsBefore = (page - 1) * perPage;
  const hasNext = fetched.length > perPage;
  const rows = hasNext ? fetched.slice(0, perPage) : fetched;
  const last = rows[rows.length - 1];
  const seen = rowsBefore + rows.length + (hasNext ? 1 : 0);
  if (estimate) total = Math.max(total, seen);
  const pages = Math.max(total === 0 ? 0 : Math.ceil(total / perPage), hasNext ? page + 1 : rows.length ? page : 0);
  return {
    time_entries: rows.map(entryResponse),
    pagination: {
      page,
      per_page: perPage,
      total,
      pages,
      has_next: hasNext,
      has_prev: rowsBefore > 0,
      next_page: hasNext ? page + 1 : null,
      prev_page: rowsBefore > 0 ? Math.max(page - 1, 1) : null,
      next_cursor: hasNext ? cursor([isoMs(last.start_time), Number(last.id)], rowsBefore + rows.length) : null,
      total_is_estimate: estimate,
    },
  };
}

// ---- SQL ----

const PAGE_COLUMNS = `e.id, e.user_id, u.username, e.project_id, p.name AS project_name, e.client_id,
  c.name AS client_name, e.task_id, t.name AS task_name, e.start_time, e.end_time, e.duration_seconds, e.break_seconds, e.notes,
  e.tags, e.source, e.billable, e.paid, e.invoice_number, e.created_at, e.updated_at`;
/** The page and the user's completed-entry count (kept by the triggers of migration 18) in one statement. */
const PAGE_SQL = (p) => `SELECT ${PAGE_COLUMNS},
    COALESCE((SELECT entries FROM user_entry_counts WHERE user_id = ${p(1)}), 0) AS total
  FROM time_entries e JOIN users u ON u.id = e.user_id LEFT JOIN projects p ON p.id = e.project_id
  LEFT JOIN clients c ON c.id = e.client_id LEFT JOIN tasks t ON t.id = e.task_id
  WHERE e.user_id = ${p(1)} AND e.end_time IS NOT NULL ORDER BY e.start_time DESC, e.id DESC
  LIMIT ${p(2)} OFFSET ${p(3)}`;
const COUNT_SQL = (p) => `SELECT COALESCE((SELECT entries FROM user_entry_counts WHERE user_id = ${p(1)}), 0) AS n`;
const TOKEN_SQL = (p) =>
  `SELECT t.id, t.user_id, t.scopes, t.expires_at, u.username, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
   WHERE t.token_hash = ${p(1)} AND t.is_active AND u.is_active`;
/** Under the user's lock: the owner still active, the project and its client, an overlap, the new id. */
const CHECK_SQL = (p, pg) => `SELECT p.id, p.name, p.client_id, c.name AS client_name,
    (SELECT is_active FROM users WHERE id = ${p(1)}) AS user_active,
    EXISTS (SELECT 1 FROM time_entries e WHERE e.user_id = ${p(1)} AND e.end_time IS NOT NULL
      AND e.start_time < ${p(3)} AND e.end_time > ${p(4)}) AS overlap
    ${pg ? ", nextval('time_entries_id_seq') AS new_id" : ''}
  FROM projects p LEFT JOIN clients c ON c.id = p.client_id WHERE p.id = ${p(2)}`;
const ENTRY_INSERT = (
  p,
) => `INSERT INTO time_entries (id, user_id, project_id, client_id, task_id, start_time, end_time,
    duration_seconds, notes, tags, source, billable, paid, invoice_number, created_at, updated_at)
  VALUES (${[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].map(p).join(', ')})`;
const OUTBOX_INSERT = (p) =>
  `INSERT INTO webhook_events (event_id, event_type, payload, created_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`;

/** The two drivers behind the same three operations: auth lookup, list page, create. */
function openDatabase(databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) return openSqlite(databaseUrl.slice('sqlite:'.length));
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const n = (i) => `$${i}`;
  const named = (name, text) => (values) => ({ name, text, values });
  const q = {
    token: named('tok', TOKEN_SQL(n)),
    page: named('page', PAGE_SQL(n)),
    count: named('count', COUNT_SQL(n)),
    check: named('check', CHECK_SQL(n, true)),
    insert: named('insert', `WITH e AS (${ENTRY_INSERT(n)}) ${OUTBOX_INSERT((i) => `$${16 + i}`)}`),
  };
  return {
    kind: 'postgres',
    pool,
    token: async (hash) => (await pool.query(q.token([hash]))).rows[0] ?? null,
    page: async (userId, limit, offset) => {
      const rows = (await pool.query(q.page([userId, limit, offset]))).rows;
      const total = rows.length ? Number(rows[0].total) : Number((await pool.query(q.count([userId]))).rows[0].n);
      return { rows, total };
    },
    /** `build(check)` gives [status, body, entry values, outbox values] or [status, body]. */
    create: async (userId, params, build) => {
      const client = await pool.connect();
      try {
        // The id is ours (an integer): BEGIN and the lock in one round trip.
        await client.query(`BEGIN; SELECT pg_advisory_xact_lock(7243, ${Number(userId)})`);
        const [check] = (await client.query(q.check(params))).rows;
        const [status, body, entry, event] = build(check, check?.new_id);
        if (entry) {
          await client.query(q.insert([...entry, ...event]));
          await client.query('COMMIT');
        } else {
          await client.query('ROLLBACK');
        }
        return [status, body];
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    timestamp: (date) => date,
    close: () => pool.end(),
  };
}

function openSqlite(file) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  // Named (@p1): a parameter used twice is bound once.
  const p = (i) => `@p${i}`;
  const named = (values) => Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]));
  const s = {
    token: db.prepare(TOKEN_SQL(p)),
    page: db.prepare(PAGE_SQL(p)),
    count: db.prepare(COUNT_SQL(p)),
    check: db.prepare(CHECK_SQL(p, false)),
    entry: db.prepare(ENTRY_INSERT(p)),
    outbox: db.prepare(OUTBOX_INSERT(p)),
  };
  // Synchronous: a create's statements run in one tick, so no other request's interleave.
  const create = db.transaction((userId, params, build) => {
    const check = s.check.get(named(params));
    const [status, body, entry, event] = build(check, null);
    if (!entry) return [status, body];
    const id = Number(s.entry.run(named(entry)).lastInsertRowid);
    body.time_entry.id = id;
    event[2] = event[2].replace('"data":{"id":null', `"data":{"id":${id}`);
    s.outbox.run(named(event));
    return [status, body];
  });
  return {
    kind: 'sqlite',
    file,
    token: async (hash) => s.token.get(named([hash])) ?? null,
    page: async (userId, limit, offset) => {
      const rows = s.page.all(named([userId, limit, offset]));
      return { rows, total: rows.length ? Number(rows[0].total) : Number(s.count.get(named([userId])).n) };
    },
    create: async (userId, params, build) => create.immediate(userId, params, build),
    // SQLite keeps timestamps as the text TypeORM writes ('YYYY-MM-DD HH:MM:SS.SSS', UTC).
    timestamp: (date) => date.toISOString().replace('T', ' ').replace('Z', ''),
    close: async () => db.close(),
  };
}

function createBaselineServer(databaseUrl) {
  const db = openDatabase(databaseUrl);
  const pg = db.kind === 'postgres';
  /** Token hash -> { auth, until }: as the app's AuthCache (a revocation shows within 500 ms). */
  const tokens = new Map();
  const authenticate = async (req) => {
    const header = req.headers.authorization ?? '';
    const hash = createHash('sha256')
      .update(header.startsWith('Bearer ') ? header.slice(7) : '')
      .digest('hex');
    const now = Date.now();
    const cached = tokens.get(hash);
    if (cached && cached.until > now) return cached.auth;
    const row = await db.token(hash);
    const auth = row && (row.expires_at === null || new Date(row.expires_at).getTime() > now) ? row : null;
    if (tokens.size >= 10_000) tokens.clear();
    tokens.set(hash, { auth, until: now + AUTH_CACHE_TTL_MS });
    return auth;
  };
  const send = (res, status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  const routes = {
    'GET /api/v1/time-entries': async (req, res, url, auth) => {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 50) || 50, MAX_PER_PAGE);
      const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
      const { rows, total } = await db.page(auth.user_id, perPage + 1, (page - 1) * perPage);
      send(res, 200, listBody(rows, total, false, page, perPage));
    },
    'POST /api/v1/time-entries': async (req, res, url, auth, body) => {
      const start = new Date(body.start_time);
      const end = new Date(body.end_time);
      const seconds = Math.max(0, Math.floor((end - start) / 1000));
      const params = [auth.user_id, body.project_id, db.timestamp(end), db.timestamp(start)];
      const [status, answer] = await db.create(auth.user_id, params, (check, newId) => {
        if (!check) return [404, { error_code: 'not_found', message: `Project ${body.project_id} not found` }];
        if (!check.user_active) return [404, { error_code: 'not_found', message: `User ${auth.user_id} not found` }];
        if (check.overlap && auth.role !== 'admin') {
          return [409, { error_code: 'time_overlap', message: 'This time entry overlaps another one.' }];
        }
        const now = new Date();
        const nowText = `${now.toISOString().slice(0, 19)}Z`;
        const id = newId === null ? null : Number(newId);
        const notes = body.notes || null;
        const entry = {
          id,
          user_id: auth.user_id,
          user: auth.username,
          project_id: check.id,
          project: check.name,
          client_id: check.client_id,
          client: check.client_name,
          task_id: null,
          task: null,
          start_time: `${start.toISOString().slice(0, 19)}Z`,
          end_time: `${end.toISOString().slice(0, 19)}Z`,
          duration_seconds: seconds,
          duration_hours: Math.round((seconds / 3600) * 100) / 100,
          duration_formatted: formatted(seconds),
          break_seconds: 0,
          paused: false,
          paused_at: null,
          notes,
          tags: null,
          tag_list: [],
          source: 'manual',
          billable: true,
          paid: false,
          invoice_number: null,
          is_active: false,
          created_at: nowText,
          updated_at: nowText,
        };
        const eventId = `evt_${randomBytes(12).toString('hex')}`;
        const payload = JSON.stringify({
          id: eventId,
          event_type: 'time_entry.created',
          timestamp: nowText,
          user: { id: auth.user_id, username: auth.username },
          data: entry,
        });
        const t = db.timestamp(now);
        return [
          201,
          { message: 'Time entry created successfully', time_entry: entry },
          [
            id,
            auth.user_id,
            check.id,
            check.client_id,
            null,
            db.timestamp(start),
            db.timestamp(end),
            seconds,
            notes,
            null,
            'manual',
            pg ? true : 1,
            pg ? false : 0,
            null,
            t,
            t,
          ],
          [eventId, 'time_entry.created', payload, t],
        ];
      });
      send(res, status, answer);
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
