import { ErrorCode } from '../common/errors/error-code';

/**
 * Document-level tags, in reading order: Swagger UI lists the groups as declared here. Every tag a
 * controller uses must appear (the quality spec checks it).
 */
export const TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'System', description: 'API information, health and probes. No token needed.' },
  {
    name: 'Users',
    description: 'The current user (`read:users`), and user administration (`admin:all` plus the admin role).',
  },
  {
    name: 'Admin: API tokens',
    description:
      'Create, rotate and revoke API tokens (`admin:all` plus the admin role). A token is `tt_` and 32 random ' +
      'characters, shown once; the server keeps only its hash.',
  },
  { name: 'Clients', description: 'Customers that projects belong to, shared by every user of the instance.' },
  { name: 'Projects', description: 'Projects that time is booked on, shared by every user. DELETE archives.' },
  { name: 'Tasks', description: 'Tasks within a project.' },
  {
    name: 'Time entries',
    description:
      'Recorded time: manual entries, CSV import and bulk actions. Non-admins see and change only their own entries.',
  },
  {
    name: 'Timer',
    description: "The caller's running timer: a time entry without `end_time`, at most one per user.",
  },
  { name: 'Reports', description: 'Totals of completed time.' },
  { name: 'Search', description: 'One query across projects, tasks, clients and time entries.' },
  {
    name: 'Inventory',
    description:
      'Warehouses, stock items, movements and transfers. Reads take `read:inventory` or `read:projects`, writes ' +
      '`write:inventory` or `write:projects`; every route answers 403 `module_disabled` while an admin has switched ' +
      'the module off.',
  },
  { name: 'Inventory reports', description: 'Stock valuation, movement history, turnover and low stock.' },
  {
    name: 'Webhooks',
    description:
      'HTTP callbacks when data changes, signed the Standard Webhooks way. Owners see their own webhooks; admins see all.',
  },
  {
    name: 'Changes',
    description:
      'The changes feed for incremental sync: every create, update and delete, in commit order, never skipping one.',
  },
  { name: 'Admin: settings', description: 'Instance settings (`admin:all` plus the admin role).' },
];

/** When an error happens, and optionally the example body to show for it. */
export type ErrorDoc = string | { when: string; message: string; extra?: Record<string, unknown> };

export interface OperationDoc {
  /** What the operation does, in a sentence or two (from REST_API.md and CONTRACT.md). */
  text: string;
  /**
   * Error codes particular to this operation, with when they happen. A status named here is
   * described by these entries (plus the idempotency codes on POST) instead of the generic text.
   */
  errors?: Partial<Record<ErrorCode, ErrorDoc>>;
}

const CONFLICT_DUPLICATE = (what: string): OperationDoc['errors'] => ({
  [ErrorCode.Conflict]: `${what} is already in use.`,
});

/** Per-operation text, keyed by operationId; scopes, filters and errors are generated around it. */
export const OPERATION_DOCS: Record<string, OperationDoc> = {
  // System
  getApiInfo: {
    text: 'API and app version, the documentation URL, the base path of each module, and the modules this instance serves.',
  },
  getHealth: {
    text: 'Checks the database (and Redis, when configured): 200 `healthy`, or 503 `unhealthy` naming the part that failed.',
  },
  getLiveness: { text: 'Liveness probe: 200 while the process answers. Never touches the database.' },
  getReadiness: {
    text: 'Readiness probe: 200 when the database (and Redis, when configured) answer and the server is not draining.',
  },

  // Users
  getCurrentUser: {
    text: 'The user the token authenticates as, with the modules this instance serves (`enabled_modules`).',
  },
  listUsers: { text: 'Lists every user of the instance.' },
  createUser: {
    text: 'Creates a user. `username` is stored lower-cased and must be unique.',
    errors: CONFLICT_DUPLICATE('The username'),
  },
  getUser: { text: 'One user by id.' },
  updateUser: {
    text:
      'Changes the fields sent. `{"is_active": false}` deactivates the user: their tokens stop working at once.',
  },

  // Admin: API tokens
  listApiTokens: { text: 'Lists API tokens, newest first, never with their secret.' },
  createApiToken: {
    text:
      'Creates a token for a user with the given scopes (unknown scopes are refused). The plain `token` is in this ' +
      'response only.',
  },
  getApiToken: { text: 'One API token, never with its secret.' },
  updateApiToken: { text: "Changes a token's name, description, scopes, expiry, IP allowlist or active flag." },
  revokeApiToken: {
    text: 'Revokes a token: it stops working at once and stays listed, inactive, for audit.',
  },
  rotateApiToken: {
    text: 'Issues a new secret for the token and revokes the old one. The new plain `token` is in this response only.',
    errors: { [ErrorCode.Conflict]: 'The token is revoked: a revoked token cannot be rotated.' },
  },

  // Clients
  listClients: { text: 'Lists clients, with how many projects each has.' },
  createClient: { text: 'Creates a client. Client names are unique.', errors: CONFLICT_DUPLICATE('The client name') },
  getClient: { text: 'One client by id.' },
  replaceClient: {
    text: 'Updates a client; takes the same partial body as PATCH.',
    errors: CONFLICT_DUPLICATE('The client name'),
  },
  updateClient: { text: 'Changes the fields sent.', errors: CONFLICT_DUPLICATE('The client name') },
  deactivateClient: {
    text: 'Deactivates a client (`status` becomes `inactive`); it is kept with its projects. Repeating it is harmless.',
  },

  // Projects
  listProjects: {
    text: 'Lists projects. Archived projects are left out unless `status` asks for them (`archived` or `all`).',
  },
  createProject: {
    text:
      'Creates a project, optionally for a client. `code` is stored upper-cased and must be unique; `status` ' +
      'defaults to `active`.',
    errors: CONFLICT_DUPLICATE('The project code'),
  },
  getProject: { text: 'One project, with the hours booked on it.' },
  replaceProject: {
    text: 'Updates a project; takes the same partial body as PATCH.',
    errors: CONFLICT_DUPLICATE('The project code'),
  },
  updateProject: { text: 'Changes the fields sent.', errors: CONFLICT_DUPLICATE('The project code') },
  archiveProject: {
    text: 'Archives the project (nothing is deleted); repeating it is harmless. Its time entries stay.',
  },

  // Tasks
  listTasks: { text: 'Lists tasks.' },
  createTask: {
    text: 'Creates a task in a project. `priority` is `low`, `medium`, `high` or `urgent` (1-4 are accepted as aliases).',
  },
  getTask: { text: 'One task by id, with the hours booked on it.' },
  replaceTask: { text: 'Updates a task; takes the same partial body as PATCH.' },
  updateTask: {
    text: 'Changes the fields sent. Moving a task to `done` sets `completed_at` and emits `task.completed`.',
  },
  deleteTask: { text: 'Deletes a task.' },

  // Time entries
  listTimeEntries: {
    text:
      'Lists completed time entries, latest `start_time` first; running ones only with `include_active=true`. ' +
      'Non-admins see only their own.',
    errors: { [ErrorCode.Forbidden]: '`user_id` names another user and the caller is not an admin.' },
  },
  createTimeEntry: {
    text:
      'Records time on a project or a client. Without `end_time` the entry runs as a timer. Admins may book for ' +
      'another user with `user_id`. `break_seconds` is time inside the span not worked: `duration_seconds` is the ' +
      'span minus it.',
    errors: {
      [ErrorCode.Forbidden]: '`user_id` names another user and the caller is not an admin.',
      [ErrorCode.TimerAlreadyRunning]: 'No `end_time` was sent while a timer already runs for that user.',
      [ErrorCode.TimeOverlap]: "A non-admin's entry would overlap another of their completed entries.",
    },
  },
  getTimeEntry: {
    text:
      "One time entry, with its `ETag`. Another user's entry is 404 for non-admins. A running entry's tag leaves " +
      'out its duration, which grows every second: it changes when the stored entry does.',
  },
  replaceTimeEntry: {
    text: 'Updates an entry; takes the same partial body as PATCH, and honours `If-Match` the same way.',
    errors: {
      [ErrorCode.Conflict]: 'The entry changed since the `if_updated_at` of the body was read.',
      [ErrorCode.TimeOverlap]: "A non-admin's entry would overlap another of their completed entries.",
    },
  },
  updateTimeEntry: {
    text: 'Changes the fields sent. With `If-Match` (the `ETag` of a GET), only if the entry has not changed since.',
    errors: {
      [ErrorCode.Conflict]: 'The entry changed since the `if_updated_at` of the body was read.',
      [ErrorCode.TimeOverlap]: "A non-admin's entry would overlap another of their completed entries.",
    },
  },
  deleteTimeEntry: {
    text: 'Deletes a completed time entry.',
    errors: { [ErrorCode.Conflict]: 'The entry is running: stop the timer first.' },
  },
  bulkUpdateTimeEntries: {
    text:
      'Applies one action (`delete`, `set_billable`, `set_paid`, `add_tag`, `remove_tag`) to many entries in one ' +
      'transaction. Running entries are skipped and listed in `skipped`.',
    errors: {
      [ErrorCode.NotFound]: {
        when: 'Some ids name no entry the caller may see (`missing_ids` lists them); nothing changes.',
        message: 'Time entries not found: 7, 9',
        extra: { missing_ids: [7, 9] },
      },
    },
  },
  importTimeEntries: {
    text:
      'Imports time entries from CSV: a multipart `file`, a `text/csv` body, or JSON `{"csv": "..."}`. Rows are ' +
      'validated first; with `atomic=true` (the default) all rows are written or none; `dry_run=true` writes nothing. ' +
      'Its 201 has no `Location`: it creates many entries, not one resource.',
    errors: {
      [ErrorCode.PayloadTooLarge]: 'The CSV is over `CSV_IMPORT_MAX_BYTES` or `CSV_IMPORT_MAX_ROWS` (the message says which).',
    },
  },
  exportTimeEntries: {
    text:
      'Every completed entry that `GET /time-entries` would list for the same filters, in its `sort`, as one file ' +
      '(no paging): `format=csv` (UTF-8 with a BOM, the default) or `format=xlsx`, sent as an attachment and ' +
      'streamed while it is read. Non-admins export only their own entries. Columns: `id, user, project_id, ' +
      'project, client_id, client, task_id, task, start_time, end_time, duration, break, duration_hours, notes, ' +
      'tags, billable, paid`: the CSV import reads them back (another user importing the file recreates the same ' +
      'entries). Times are ISO 8601 UTC text, `duration` (worked time) and `break` `HH:MM:SS`, `duration_hours` a ' +
      'number, `billable` and `paid` `true`/`false`. Text beginning with `=`, `+`, `-`, `@`, a tab or a carriage ' +
      "return (or `'`) gets a leading `'`, so that spreadsheets do not run it as a formula; the import removes it. " +
      'XLSX starts a new sheet after 1,048,575 rows. A failure after the first bytes cuts the download off. At ' +
      'most three exports run at once per server process; past that, 503 `service_unavailable` with `Retry-After`.',
    errors: { [ErrorCode.Forbidden]: '`user_id` names another user and the caller is not an admin.' },
  },

  // Timer
  getTimerStatus: { text: "Whether the caller's timer runs, and the running entry (`timer`, null when none)." },
  startTimer: {
    text: 'Starts a timer on a project: a running time entry with `source` `timer`.',
    errors: { [ErrorCode.TimerAlreadyRunning]: 'A timer already runs for the caller.' },
  },
  stopTimer: {
    text:
      "Stops the caller's running timer and returns the completed time entry. A paused timer stops now, its pause " +
      'counted as break (`duration_seconds` is the span minus `break_seconds`).',
    errors: { [ErrorCode.NoActiveTimer]: 'No timer runs for the caller.' },
  },
  pauseTimer: {
    text:
      "Pauses the caller's running timer: it stays the running entry (no other timer can start) with `paused` true " +
      'and `paused_at` set, and its worked time stands still until it is resumed or stopped.',
    errors: {
      [ErrorCode.NoActiveTimer]: 'No timer runs for the caller.',
      [ErrorCode.Conflict]: 'The timer is paused already.',
    },
  },
  resumeTimer: {
    text: "Resumes the caller's paused timer; the time since `paused_at` is added to `break_seconds`.",
    errors: {
      [ErrorCode.NoActiveTimer]: 'No timer runs for the caller.',
      [ErrorCode.Conflict]: 'The timer is not paused.',
    },
  },

  // Reports
  getSummaryReport: {
    text:
      'Totals of completed time whose start falls in the range: hours, billable hours, entries and `by_project` ' +
      "(most hours first). Non-admins get their own time; admins everyone's, with `by_user`. With `group_by` " +
      '(`project`, `client`, `task`, `user`, `tag`, `day`, `week`, `month`) the answer adds `groups`: hours, ' +
      "billable hours, billable amount (billable hours times the project's `hourly_rate`) and entries per key, " +
      'most hours first; an entry counts in each of its tags; days, ISO weeks (from Monday) and months are cut ' +
      'in `tz`, in time order, every period of the range present (at most 3700). `format=csv` sends the groups ' +
      '(by project unless `group_by` says otherwise) as a `text/csv` attachment.',
    errors: {
      [ErrorCode.Forbidden]:
        '`user_id` names another user, or `group_by` is `user`, and the caller is not an admin.',
    },
  },

  // Search
  globalSearch: {
    text:
      'Searches projects (active only), tasks (of active projects), clients and time entries (non-admins: their ' +
      'own) for `q`, case-insensitively; `%` and `_` match themselves.',
  },

  // Inventory
  listWarehouses: { text: 'Lists warehouses; deactivated ones only with `active_only=false`.' },
  createWarehouse: { text: 'Creates a warehouse. Codes are unique.', errors: CONFLICT_DUPLICATE('The warehouse code') },
  getWarehouse: { text: 'One warehouse by id.' },
  replaceWarehouse: {
    text: 'Updates a warehouse; takes the same partial body as PATCH.',
    errors: CONFLICT_DUPLICATE('The warehouse code'),
  },
  updateWarehouse: { text: 'Changes the fields sent.', errors: CONFLICT_DUPLICATE('The warehouse code') },
  deactivateWarehouse: { text: 'Deactivates a warehouse; it is kept with its stock history.' },
  listStockItems: {
    text: 'Lists stock items with their total quantity on hand; deactivated ones only with `active_only=false`.',
  },
  createStockItem: {
    text: 'Creates a stock item. `sku` is stored upper-cased and must be unique; `currency_code` defaults to `EUR`.',
    errors: CONFLICT_DUPLICATE('The SKU'),
  },
  getStockItem: { text: 'One stock item by id.' },
  replaceStockItem: {
    text: 'Updates a stock item; takes the same partial body as PATCH.',
    errors: CONFLICT_DUPLICATE('The SKU'),
  },
  updateStockItem: { text: 'Changes the fields sent.', errors: CONFLICT_DUPLICATE('The SKU') },
  deactivateStockItem: { text: 'Deactivates a stock item; it is kept with its stock history.' },
  createStockMovement: {
    text:
      'Records a stock movement (`purchase`, `sale`, `usage`, `adjustment`, `return`, `waste`) with a signed ' +
      '`quantity`. Inbound movements update the moving average cost.',
    errors: { [ErrorCode.InsufficientStock]: 'An outbound movement is larger than the stock on hand.' },
  },
  getStockMovement: { text: 'One stock movement by id (each leg of a transfer is one too).' },
  listStockLevels: { text: 'Quantity on hand, average cost and value per stock item and warehouse.' },
  listStockTransfers: {
    text: 'Lists transfers between warehouses; each is a pair of movements sharing a `reference_id`.',
  },
  createStockTransfer: {
    text:
      'Moves stock between two warehouses in one transaction: an outbound and an inbound movement sharing a new ' +
      "`reference_id`, at the source's average cost.",
    errors: { [ErrorCode.InsufficientStock]: 'The quantity is larger than the stock on hand in the source warehouse.' },
  },
  getStockTransfer: { text: 'One transfer by `reference_id`, with both of its movements.' },

  // Inventory reports
  getValuationReport: {
    text: 'Stock value (quantity on hand times average cost): in total, by warehouse, by category and per item.',
  },
  getMovementHistoryReport: { text: 'Stock movements, filtered by date, item, warehouse and movement type.' },
  getTurnoverReport: {
    text:
      'Per stock item over a range: quantity sold, average stock ((stock at start + stock at end) / 2), turnover ' +
      'rate and days on hand.',
  },
  getLowStockReport: { text: 'Items whose quantity on hand is below their `reorder_point`, with the shortfall.' },

  // Webhooks
  listWebhookEvents: { text: 'The event types a webhook can subscribe to; `*` subscribes to all.' },
  listWebhooks: { text: "Lists the caller's webhooks (admins: every webhook)." },
  createWebhook: {
    text:
      'Registers a webhook for some events. The signing `secret` (`whsec_...`) is in this response only. Loopback, ' +
      'private, link-local and metadata addresses are refused.',
  },
  getWebhook: { text: 'One webhook, without its secret.' },
  replaceWebhook: { text: 'Updates a webhook; takes the same partial body as PATCH.' },
  updateWebhook: { text: 'Changes the fields sent.' },
  deleteWebhook: { text: 'Deletes a webhook and its delivery history.' },
  listWebhookDeliveries: { text: 'Delivery attempts of one webhook, with their status and responses.' },

  // Changes
  listChanges: {
    text:
      'The changes committed after `cursor` (from the oldest retained one without it), in commit order, each with ' +
      'the resource as its GET returned it right after the change (`null` for `deleted`) and the user who made it. ' +
      'Only the types the token may read are returned; `user` and `api_token` only to admins; a non-admin sees only ' +
      'their own time entries and webhooks. Following `next_cursor` never skips a change, even one that a slower ' +
      'transaction committed late.',
    errors: {
      [ErrorCode.CursorExpired]: 'The cursor is older than the retained history: list everything again, then follow the feed.',
    },
  },
  testWebhook: {
    text: 'Queues a `webhook.test` event for the webhook; it is sent outside the request (202).',
  },
  redeliverWebhookDelivery: { text: 'Queues a past delivery to be sent again, as a new delivery (202).' },
  rotateWebhookSecret: {
    text:
      'Generates a new signing secret, in this response only. During the configured overlap, deliveries are signed ' +
      'with the previous secret too.',
  },

  // Admin: settings
  getSettings: { text: 'Instance settings: whether the inventory module is enabled.' },
  updateSettings: {
    text: 'Switches the inventory module on or off (`inventory_enabled`); while off, inventory routes answer 403 `module_disabled`.',
  },
};
