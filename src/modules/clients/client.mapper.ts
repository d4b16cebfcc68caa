import { toIsoUtc } from '../../common/time/iso';
import type { ClientEntity } from './client.entity';
import type { ClientResponseDto } from './dto/client-response.dto';

export interface ProjectCounts {
  total: number;
  active: number;
}

export const NO_PROJECTS: ProjectCounts = { total: 0, active: 0 };

export function toClientResponse(client: ClientEntity, counts: ProjectCounts = NO_PROJECTS): ClientResponseDto {
  return {
    id: client.id,
    name: client.name,
    email: client.email,
    company: client.company,
    phone: client.phone,
    address: client.address,
    contact_person: client.contactPerson,
    description: client.description,
    default_hourly_rate: client.defaultHourlyRate,
    status: client.status,
    total_projects: counts.total,
    active_projects: counts.active,
    created_at: toIsoUtc(client.createdAt),
    updated_at: toIsoUtc(client.updatedAt),
  };
}
