import { ClientEntity } from '../../src/modules/clients/client.entity';
import { ProjectEntity } from '../../src/modules/projects/project.entity';
import { UserEntity } from '../../src/modules/users/user.entity';
import { TimeEntryEntity } from '../../src/modules/time-entries/time-entry.entity';

/** A completed entry as the export reads it (relations with their names), for the writers' specs. */
export function exportTestEntry(id: number, overrides: Partial<TimeEntryEntity> = {}): TimeEntryEntity {
  const start = new Date(Date.UTC(2024, 0, 15, 9) + id * 86_400_000);
  return Object.assign(new TimeEntryEntity(), {
    id,
    userId: 2,
    projectId: 1,
    clientId: 5,
    taskId: null,
    startTime: start,
    endTime: new Date(start.getTime() + 8 * 3_600_000),
    durationSeconds: 7.5 * 3600,
    breakSeconds: 1800,
    pausedAt: null,
    notes: 'Worked on feature X',
    tags: 'development,frontend',
    source: 'manual' as const,
    billable: true,
    paid: false,
    invoiceNumber: null,
    createdAt: start,
    updatedAt: start,
    user: Object.assign(new UserEntity(), { id: 2, username: 'alice' }),
    project: Object.assign(new ProjectEntity(), { id: 1, name: 'Website Redesign' }),
    client: Object.assign(new ClientEntity(), { id: 5, name: 'Acme Corp' }),
    task: null,
    ...overrides,
  });
}
