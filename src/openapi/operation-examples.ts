/**
 * Request and response examples from REST_API.md, completed to the shapes of CONTRACT.md (where the
 * two differ, the contract wins). Keyed by operationId; the response example goes on the first
 * 2xx response. The quality spec validates each against its schema, as e2e validates responses.
 */
export interface OperationExamples {
  request?: { summary: string; value: unknown };
  response?: { summary: string; value: unknown };
}

const TIMESTAMP = '2024-01-15T17:00:05Z';

const emptyPage = (perPage: number, total: number) => ({
  page: 1,
  per_page: perPage,
  total,
  pages: 1,
  has_next: false,
  has_prev: false,
  next_page: null,
  prev_page: null,
  next_cursor: null,
  total_is_estimate: false,
});

const project = {
  id: 1,
  name: 'Website Redesign',
  description: 'Complete website overhaul',
  client_id: 5,
  client: 'Acme Corp',
  code: 'WEB',
  billable: true,
  hourly_rate: 75,
  estimated_hours: 120,
  budget_amount: null,
  color: null,
  status: 'active',
  archived_at: null,
  created_at: '2024-01-01T10:00:00Z',
  updated_at: '2024-01-01T10:00:00Z',
  total_hours: 85.5,
  total_billable_hours: 80,
};

const completedEntry = {
  id: 42,
  user_id: 3,
  user: 'alice',
  project_id: 1,
  project: 'Website Redesign',
  client_id: 5,
  client: 'Acme Corp',
  task_id: 5,
  task: 'Update homepage',
  start_time: '2024-01-15T09:00:00Z',
  end_time: '2024-01-15T17:00:00Z',
  duration_seconds: 28800,
  duration_hours: 8,
  duration_formatted: '08:00:00',
  break_seconds: 0,
  paused: false,
  paused_at: null,
  notes: 'Worked on feature X',
  tags: 'development,frontend',
  tag_list: ['development', 'frontend'],
  source: 'manual',
  billable: true,
  paid: false,
  invoice_number: null,
  is_active: false,
  created_at: TIMESTAMP,
  updated_at: TIMESTAMP,
};

const runningEntry = {
  ...completedEntry,
  id: 43,
  start_time: '2024-01-16T09:00:00Z',
  end_time: null,
  duration_seconds: 0,
  duration_hours: 0,
  duration_formatted: '00:00:00',
  notes: null,
  tags: null,
  tag_list: [],
  source: 'timer',
  is_active: true,
  created_at: '2024-01-16T09:00:00Z',
  updated_at: '2024-01-16T09:00:00Z',
};

const transferLeg = (id: number, warehouseId: number, quantity: number) => ({
  movement_id: id,
  movement: {
    id,
    movement_type: 'transfer',
    stock_item_id: 1,
    warehouse_id: warehouseId,
    quantity,
    unit_cost: 2.5,
    reference_type: 'transfer',
    reference_id: 101,
    reason: 'Transfer from MAIN to EAST',
    notes: 'Optional notes',
    moved_by: 3,
    moved_at: '2024-01-15T10:00:00Z',
  },
});

const MODULES = ['time_entries', 'timer', 'projects', 'clients', 'tasks', 'reports', 'search', 'webhooks', 'inventory'];

export const OPERATION_EXAMPLES: Record<string, OperationExamples> = {
  getApiInfo: {
    response: {
      summary: 'API information',
      value: {
        api_version: 'v1',
        app_version: '1.0.0',
        documentation_url: '/api/docs',
        endpoints: {
          projects: '/api/v1/projects',
          time_entries: '/api/v1/time-entries',
          tasks: '/api/v1/tasks',
          clients: '/api/v1/clients',
        },
        enabled_modules: MODULES,
      },
    },
  },
  getCurrentUser: {
    response: {
      summary: 'The authenticated user',
      value: {
        user: {
          id: 3,
          username: 'alice',
          email: 'alice@example.com',
          full_name: 'Alice Martin',
          display_name: 'Alice Martin',
          role: 'user',
          is_active: true,
          timezone: 'UTC',
          created_at: '2024-01-01T08:00:00Z',
          last_login_at: null,
          total_hours: 160.5,
        },
        enabled_modules: MODULES,
      },
    },
  },
  listProjects: {
    response: {
      summary: 'Active projects, 20 per page',
      value: { projects: [project], pagination: emptyPage(20, 1) },
    },
  },
  createProject: {
    request: {
      summary: 'A project for a client',
      value: {
        name: 'New Project',
        description: 'Project description',
        client_id: 5,
        hourly_rate: 75,
        estimated_hours: 100,
        status: 'active',
      },
    },
    response: {
      summary: 'Created',
      value: {
        message: 'Project created successfully',
        project: {
          ...project,
          id: 2,
          name: 'New Project',
          description: 'Project description',
          code: null,
          estimated_hours: 100,
          created_at: TIMESTAMP,
          updated_at: TIMESTAMP,
          total_hours: 0,
          total_billable_hours: 0,
        },
      },
    },
  },
  createTask: {
    request: {
      summary: 'A task in project 1',
      value: {
        name: 'Implement login feature',
        description: 'Add user authentication',
        project_id: 1,
        status: 'todo',
        priority: 'low',
      },
    },
  },
  createClient: {
    request: {
      summary: 'A client',
      value: { name: 'Acme Corp', email: 'contact@acme.com', company: 'Acme Corporation', phone: '+1-555-0123' },
    },
  },
  createTimeEntry: {
    request: {
      summary: 'A completed entry',
      value: {
        project_id: 1,
        task_id: 5,
        start_time: '2024-01-15T09:00:00Z',
        end_time: '2024-01-15T17:00:00Z',
        notes: 'Worked on feature X',
        tags: 'development,frontend',
        billable: true,
      },
    },
    response: {
      summary: 'Created',
      value: { message: 'Time entry created successfully', time_entry: completedEntry },
    },
  },
  bulkUpdateTimeEntries: {
    request: { summary: 'Delete three entries', value: { entry_ids: [1, 2, 3], action: 'delete', value: null } },
    response: { summary: 'Two deleted, one skipped (running)', value: { success: true, affected: 2, skipped: [3] } },
  },
  startTimer: {
    request: { summary: 'Start on a task', value: { project_id: 1, task_id: 5 } },
    response: {
      summary: 'Started',
      value: { message: 'Timer started successfully', timer: runningEntry },
    },
  },
  stopTimer: {
    response: {
      summary: 'Stopped',
      value: {
        message: 'Timer stopped successfully',
        time_entry: {
          ...runningEntry,
          end_time: '2024-01-16T11:30:00Z',
          duration_seconds: 9000,
          duration_hours: 2.5,
          duration_formatted: '02:30:00',
          is_active: false,
          updated_at: '2024-01-16T11:30:00Z',
        },
      },
    },
  },
  pauseTimer: {
    response: {
      summary: 'Paused for lunch',
      value: {
        message: 'Timer paused',
        timer: {
          ...runningEntry,
          duration_seconds: 10800,
          duration_hours: 3,
          duration_formatted: '03:00:00',
          paused: true,
          paused_at: '2024-01-16T12:00:00Z',
          updated_at: '2024-01-16T12:00:00Z',
        },
      },
    },
  },
  resumeTimer: {
    response: {
      summary: 'Back after 30 minutes',
      value: {
        message: 'Timer resumed',
        timer: {
          ...runningEntry,
          duration_seconds: 10800,
          duration_hours: 3,
          duration_formatted: '03:00:00',
          break_seconds: 1800,
          updated_at: '2024-01-16T12:30:00Z',
        },
      },
    },
  },
  getSummaryReport: {
    response: {
      summary: 'January 2024, group_by=month',
      value: {
        summary: {
          start_date: '2024-01-01T00:00:00Z',
          end_date: '2024-01-31T23:59:59Z',
          total_hours: 160.5,
          billable_hours: 145,
          total_entries: 85,
          by_project: [{ project_id: 1, project_name: 'Website Redesign', hours: 85.5, entries: 45 }],
        },
        groups: [
          { key: '2024-01', label: '2024-01', hours: 160.5, billable_hours: 145, billable_amount: 6412.5, entries: 85 },
        ],
      },
    },
  },
  globalSearch: {
    response: {
      summary: 'q=website',
      value: {
        results: [
          {
            type: 'project',
            category: 'project',
            id: 1,
            title: 'Website Redesign',
            description: 'Complete website overhaul',
            url: '/projects/1',
            badge: 'Project',
          },
          {
            type: 'task',
            category: 'task',
            id: 5,
            title: 'Update homepage',
            description: 'Website Redesign',
            url: '/tasks/5',
            badge: 'In Progress',
          },
        ],
        query: 'website',
        count: 2,
      },
    },
  },
  listStockTransfers: {
    response: {
      summary: 'One transfer',
      value: {
        transfers: [
          {
            reference_id: 101,
            moved_at: '2024-01-15T10:00:00Z',
            stock_item_id: 1,
            from_warehouse_id: 2,
            to_warehouse_id: 3,
            quantity: 10,
            notes: 'Optional notes',
            movement_ids: [101, 102],
          },
        ],
        pagination: emptyPage(50, 1),
      },
    },
  },
  createStockTransfer: {
    request: {
      summary: 'Move 10 units',
      value: { stock_item_id: 1, from_warehouse_id: 2, to_warehouse_id: 3, quantity: 10, notes: 'Optional notes' },
    },
    response: {
      summary: 'Transferred',
      value: {
        message: 'Stock transfer completed successfully',
        reference_id: 101,
        transfers: [transferLeg(101, 2, -10), transferLeg(102, 3, 10)],
      },
    },
  },
};
