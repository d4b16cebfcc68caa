import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { updatedSinceOf } from '../../common/time/updated-since';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { assertIfMatch, lockRowForUpdate } from '../../common/http/conditional';
import { ErrorCode } from '../../common/errors/error-code';
import { pageRequest, paginate } from '../../common/pagination/paginate';
import { isUniqueViolation } from '../../database/db-errors';
import { TransactionService } from '../../database/transaction.service';
import { ClientsRepository } from '../clients/clients.repository';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { ChangeLog } from '../changes/change-log';
import type { AuthContext } from '../../common/auth/auth-context';
import type { CreateProjectDto } from './dto/create-project.dto';
import type { ListProjectsQueryDto } from './dto/list-projects-query.dto';
import type { UpdateProjectDto } from './dto/update-project.dto';
import { ProjectHoursReader } from './project-hours.reader';
import { ProjectEntity } from './project.entity';
import type { ChangeAction } from '../changes/change.entity';
import { toProjectResponse } from './project.mapper';
import { ProjectsRepository } from './projects.repository';
import { PROJECT_SORTS } from './project.sorts';

@Injectable()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly clients: ClientsRepository,
    private readonly hours: ProjectHoursReader,
    private readonly transactions: TransactionService,
    private readonly outbox: WebhookOutbox,
    private readonly changes: ChangeLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async listProjects(query: ListProjectsQueryDto) {
    const request = pageRequest(query, PROJECT_SORTS.order(query.sort));
    const [rows, count] = await this.projects.list(
      {
        status: query.status,
        clientId: query.client_id,
        q: query.q,
        updatedSince: updatedSinceOf(query.updated_since, this.config.timezone),
      },
      request,
    );
    // Not for the row past the page, fetched only to tell whether another page follows.
    const hours = await this.hours.forProjects(rows.slice(0, request.perPage).map((p) => p.id));
    return paginate('projects', request, rows, count, (p) => toProjectResponse(p, hours.get(p.id)));
  }

  async getProject(id: number) {
    return { project: await this.respond(await this.findOrFail(id)) };
  }

  async createProject(auth: AuthContext, dto: CreateProjectDto) {
    const project = await this.transactions.run(auth, (manager) => this.createWithin(manager, auth, dto));
    return { message: 'Project created successfully', project: await this.respond(project) };
  }

  /** Creates a project inside the caller's transaction (a CSV import's create_missing), with its event and change. */
  async createWithin(manager: EntityManager, auth: AuthContext, dto: CreateProjectDto): Promise<ProjectEntity> {
    const entity = Object.assign(new ProjectEntity(), {
      description: null,
      clientId: null,
      code: null,
      billable: true,
      hourlyRate: null,
      estimatedHours: null,
      budgetAmount: null,
      color: null,
      status: 'active',
      archivedAt: null,
      createdAt: new Date(),
    });
    await this.apply(entity, dto, manager);
    const saved = await this.save(entity, manager);
    await this.outbox.emit(manager, 'project.created', auth, toProjectResponse(saved));
    await this.recordChange(manager, auth, saved, 'created');
    return saved;
  }

  async updateProject(auth: AuthContext, id: number, dto: UpdateProjectDto, ifMatch?: string) {
    const project = await this.transactions.run(auth, async (manager) => {
      const entity = await this.findForWrite(id, manager, ifMatch);
      const before = entity.status;
      await this.apply(entity, dto, manager);
      const saved = await this.save(entity, manager);
      const data = toProjectResponse(saved);
      await this.outbox.emit(manager, 'project.updated', auth, data);
      if (saved.status !== before) {
        await this.outbox.emit(manager, 'project.status_changed', auth, { ...data, previous_status: before });
      }
      await this.recordChange(manager, auth, saved, 'updated');
      return saved;
    });
    return { message: 'Project updated successfully', project: await this.respond(project) };
  }

  /** DELETE archives (repeatable): the project and its history stay. */
  async archiveProject(auth: AuthContext, id: number, ifMatch?: string) {
    const project = await this.transactions.run(auth, async (manager) => {
      const entity = await this.findForWrite(id, manager, ifMatch);
      entity.status = 'archived';
      entity.archivedAt = new Date();
      const saved = await this.save(entity, manager);
      await this.outbox.emit(manager, 'project.archived', auth, toProjectResponse(saved));
      await this.recordChange(manager, auth, saved, 'updated');
      return saved;
    });
    return { message: 'Project archived successfully', project: await this.respond(project) };
  }

  private async apply(entity: ProjectEntity, dto: CreateProjectDto | UpdateProjectDto, manager: EntityManager) {
    if (dto.client_id !== undefined && dto.client_id !== null) {
      const client = await this.clients.findById(dto.client_id, manager);
      if (!client) throw DomainError.notFound(`Client ${dto.client_id}`);
      entity.client = client;
    } else if (dto.client_id === null) {
      entity.client = null;
    }
    if (dto.client_id !== undefined) entity.clientId = dto.client_id;
    if (dto.code !== undefined && dto.code !== null && dto.code !== entity.code) {
      const holder = await this.projects.findByCode(dto.code, manager);
      if (holder && holder.id !== entity.id) throw codeTaken(dto.code);
    }
    if (dto.name !== undefined) entity.name = dto.name;
    if (dto.description !== undefined) entity.description = dto.description;
    if (dto.code !== undefined) entity.code = dto.code;
    if (dto.billable !== undefined) entity.billable = dto.billable;
    if (dto.hourly_rate !== undefined) entity.hourlyRate = dto.hourly_rate;
    if (dto.estimated_hours !== undefined) entity.estimatedHours = dto.estimated_hours;
    if (dto.budget_amount !== undefined) entity.budgetAmount = dto.budget_amount;
    if (dto.color !== undefined) entity.color = dto.color;
    if (dto.status !== undefined && dto.status !== entity.status) {
      entity.status = dto.status;
      entity.archivedAt = dto.status === 'archived' ? new Date() : null;
    }
  }

  private async save(entity: ProjectEntity, manager: EntityManager): Promise<ProjectEntity> {
    entity.updatedAt = new Date();
    try {
      return await this.projects.save(entity, manager);
    } catch (error) {
      if (isUniqueViolation(error)) throw codeTaken(entity.code ?? '');
      throw error;
    }
  }

  /** The changes feed's row: the project as GET shows it after this write. */
  private async recordChange(manager: EntityManager, auth: AuthContext, project: ProjectEntity, action: ChangeAction) {
    const data = await this.respond(project, manager);
    await this.changes.record(manager, auth, { type: 'project', id: project.id, action, data });
  }

  /** As GET shows it: the If-Match check builds the same body. */
  private async respond(project: ProjectEntity, manager?: EntityManager) {
    const hours = await this.hours.forProjects([project.id], manager);
    return toProjectResponse(project, hours.get(project.id));
  }

  /** The row locked for this transaction, after its `If-Match` held. */
  private async findForWrite(id: number, manager: EntityManager, ifMatch: string | undefined) {
    await lockRowForUpdate(manager, ProjectEntity, id);
    const project = await this.findOrFail(id, manager);
    await assertIfMatch(ifMatch, async () => ({ project: await this.respond(project, manager) }));
    return project;
  }

  private async findOrFail(id: number, manager?: EntityManager): Promise<ProjectEntity> {
    const project = await this.projects.findById(id, manager);
    if (!project) throw DomainError.notFound(`Project ${id}`);
    return project;
  }
}

function codeTaken(code: string): DomainError {
  return new DomainError(ErrorCode.Conflict, `Project code '${code}' is already in use.`);
}
