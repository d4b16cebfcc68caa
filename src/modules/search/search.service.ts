import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../../common/auth/auth-context';
import { formatDuration } from '../time-entries/time-entry.mapper';
import { MAX_SEARCH_LIMIT, SEARCH_TYPES, type SearchQueryDto } from './dto/search-query.dto';
import type { SearchResponseDto, SearchResultDto } from './dto/search-response.dto';
import { SearchRepository } from './search.repository';

const titleCase = (status: string) =>
  status
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

@Injectable()
export class SearchService {
  constructor(private readonly search: SearchRepository) {}

  /** Projects, tasks, clients and time entries (non-admins: their own entries only). */
  async globalSearch(auth: AuthContext, query: SearchQueryDto): Promise<SearchResponseDto> {
    const q = query.q;
    const limit = Math.min(query.limit ?? 10, MAX_SEARCH_LIMIT);
    const types = new Set(query.types?.length ? query.types : SEARCH_TYPES);
    const [projects, tasks, clients, entries] = await Promise.all([
      types.has('project') ? this.search.projects(q, limit) : [],
      types.has('task') ? this.search.tasks(q, limit) : [],
      types.has('client') ? this.search.clients(q, limit) : [],
      types.has('entry') ? this.search.entries(q, limit, auth.isAdmin ? null : auth.userId) : [],
    ]);
    const results: SearchResultDto[] = [
      ...projects.map((p) => item('project', p.id, p.name, p.description ?? '', `/projects/${p.id}`, 'Project')),
      ...tasks.map((t) => item('task', t.id, t.name, t.project?.name ?? '', `/tasks/${t.id}`, titleCase(t.status))),
      ...clients.map((c) =>
        item('client', c.id, c.name, c.company ?? c.contactPerson ?? c.email ?? '', `/clients/${c.id}`, 'Client'),
      ),
      ...entries.map((e) => {
        const title = [e.project?.name, e.task?.name].filter(Boolean).join(' • ') || e.client?.name || 'Time Entry';
        const description = `${(e.notes ?? '').slice(0, 100)}${e.tags ? ` [${e.tags}]` : ''}`.trim();
        return item('entry', e.id, title, description, `/time-entries/${e.id}`, formatDuration(e.durationSeconds ?? 0));
      }),
    ];
    return { results, query: q, count: results.length };
  }
}

function item(
  type: SearchResultDto['type'],
  id: number,
  title: string,
  description: string,
  url: string,
  badge: string,
): SearchResultDto {
  return { type, category: type, id, title, description, url, badge };
}
