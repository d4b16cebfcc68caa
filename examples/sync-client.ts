/**
 * Keeping a copy of the projects in sync (README, "Keeping a copy in sync"), typed by the
 * committed OpenAPI document: list them once, then follow the changes feed; on 410
 * `cursor_expired` start over. The token needs read:projects.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './api-types';

type Project = components['schemas']['ProjectResponseDto'];

export interface ProjectMirror {
  projects: Map<number, Project>;
  /** Where the feed continues: store it with the copy. */
  cursor: string;
}

/** Brings `mirror` up to date (a full copy when it is null or its cursor expired). */
export async function syncProjects(
  baseUrl: string,
  token: string,
  mirror: ProjectMirror | null,
): Promise<ProjectMirror> {
  const api = createClient<paths, 'application/json'>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const fail = (what: string, error: unknown): never => {
    throw new Error(`${what} failed: ${JSON.stringify(error)}`);
  };
  let copy = mirror;
  if (!copy) {
    // The position first, then the lists: a change made while listing is applied again, never lost.
    let cursor: string | undefined;
    for (;;) {
      const query = { types: 'project', limit: 1000, ...(cursor ? { cursor } : {}) };
      const page = await api.GET('/api/v1/changes', { params: { query } });
      if (!page.data) return fail('reading the feed position', page.error);
      cursor = page.data.next_cursor;
      if (!page.data.has_more) break;
    }
    copy = { projects: new Map(), cursor };
    let listCursor: string | undefined;
    do {
      const page = await api.GET('/api/v1/projects', {
        params: { query: { status: 'all', per_page: 100, ...(listCursor ? { cursor: listCursor } : {}) } },
      });
      if (!page.data) return fail('listing the projects', page.error);
      for (const project of page.data.projects) copy.projects.set(project.id, project);
      listCursor = page.data.pagination.next_cursor ?? undefined;
    } while (listCursor);
  }
  for (;;) {
    const page = await api.GET('/api/v1/changes', {
      params: { query: { types: 'project', limit: 500, cursor: copy.cursor } },
    });
    if (page.response.status === 410) return syncProjects(baseUrl, token, null);
    if (!page.data) return fail('reading the feed', page.error);
    for (const change of page.data.changes) {
      if (change.action === 'deleted' || !change.data) copy.projects.delete(change.id);
      else copy.projects.set(change.id, change.data as unknown as Project);
    }
    copy.cursor = page.data.next_cursor;
    if (!page.data.has_more) return copy;
  }
}
