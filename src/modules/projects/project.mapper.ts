import { toIsoUtc, toIsoUtcOrNull } from '../../common/time/iso';
import type { ProjectResponseDto } from './dto/project-response.dto';
import { NO_HOURS, type ProjectHours } from './project-hours.reader';
import type { ProjectEntity } from './project.entity';

export function toProjectResponse(project: ProjectEntity, hours: ProjectHours = NO_HOURS): ProjectResponseDto {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    client_id: project.clientId,
    client: project.client?.name ?? null,
    code: project.code,
    billable: project.billable,
    hourly_rate: project.hourlyRate,
    estimated_hours: project.estimatedHours,
    budget_amount: project.budgetAmount,
    color: project.color,
    status: project.status,
    archived_at: toIsoUtcOrNull(project.archivedAt),
    created_at: toIsoUtc(project.createdAt),
    updated_at: toIsoUtc(project.updatedAt),
    total_hours: hours.total,
    total_billable_hours: hours.billable,
  };
}
