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
import type { AuthContext } from '../../common/auth/auth-context';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { ChangeLog } from '../changes/change-log';
import type { ChangeAction } from '../changes/change.entity';
import { ClientEntity } from './client.entity';
import { toClientResponse } from './client.mapper';
import { ClientsRepository } from './clients.repository';
import { CLIENT_SORTS } from './client.sorts';
import type { CreateClientDto } from './dto/create-client.dto';
import type { ListClientsQueryDto } from './dto/list-clients-query.dto';
import type { UpdateClientDto } from './dto/update-client.dto';

@Injectable()
export class ClientsService {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly transactions: TransactionService,
    private readonly outbox: WebhookOutbox,
    private readonly changes: ChangeLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async listClients(query: ListClientsQueryDto) {
    const request = pageRequest(query, CLIENT_SORTS.order(query.sort));
    const status = query.status === 'all' ? undefined : query.status;
    const updatedSince = updatedSinceOf(query.updated_since, this.config.timezone);
    const [rows, count] = await this.clients.list({ status, q: query.q, updatedSince }, request);
    const counts = await this.clients.projectCounts(rows.slice(0, request.perPage).map((c) => c.id));
    return paginate('clients', request, rows, count, (c) => toClientResponse(c, counts.get(c.id)));
  }

  async getClient(id: number) {
    const client = await this.findOrFail(id);
    return { client: await this.respond(client) };
  }

  async createClient(auth: AuthContext, dto: CreateClientDto) {
    const client = await this.transactions.run(auth, (manager) => this.createWithin(manager, auth, dto));
    return { message: 'Client created successfully', client: await this.respond(client) };
  }

  /** Creates a client inside the caller's transaction (a CSV import's create_missing), with its event and change. */
  async createWithin(manager: EntityManager, auth: AuthContext, dto: CreateClientDto): Promise<ClientEntity> {
    await this.assertNameFree(dto.name, null, manager);
    const entity = Object.assign(new ClientEntity(), {
      email: null,
      company: null,
      phone: null,
      address: null,
      contactPerson: null,
      description: null,
      defaultHourlyRate: null,
      status: 'active',
      createdAt: new Date(),
    });
    assign(entity, dto);
    const saved = await this.save(entity, manager);
    await this.outbox.emit(manager, 'client.created', auth, toClientResponse(saved));
    await this.recordChange(manager, auth, saved, 'created');
    return saved;
  }

  async updateClient(auth: AuthContext, id: number, dto: UpdateClientDto, ifMatch?: string) {
    const client = await this.transactions.run(auth, async (manager) => {
      const entity = await this.findForWrite(id, manager, ifMatch);
      if (dto.name !== undefined) await this.assertNameFree(dto.name, id, manager);
      assign(entity, dto);
      const saved = await this.save(entity, manager);
      await this.outbox.emit(manager, 'client.updated', auth, toClientResponse(saved));
      await this.recordChange(manager, auth, saved, 'updated');
      return saved;
    });
    return { message: 'Client updated successfully', client: await this.respond(client) };
  }

  /** DELETE never removes a client (projects and history refer to it): it becomes inactive. */
  async deactivateClient(auth: AuthContext, id: number, ifMatch?: string) {
    const client = await this.transactions.run(auth, async (manager) => {
      const entity = await this.findForWrite(id, manager, ifMatch);
      entity.status = 'inactive';
      const saved = await this.save(entity, manager);
      await this.outbox.emit(manager, 'client.updated', auth, toClientResponse(saved));
      await this.recordChange(manager, auth, saved, 'updated');
      return saved;
    });
    return { message: 'Client deactivated successfully', client: await this.respond(client) };
  }

  /** The changes feed's row: the client as GET shows it after this write. */
  private async recordChange(manager: EntityManager, auth: AuthContext, client: ClientEntity, action: ChangeAction) {
    const data = await this.respond(client, manager);
    await this.changes.record(manager, auth, { type: 'client', id: client.id, action, data });
  }

  /** As GET shows it: the If-Match check builds the same body. */
  private async respond(client: ClientEntity, manager?: EntityManager) {
    const counts = await this.clients.projectCounts([client.id], manager);
    return toClientResponse(client, counts.get(client.id));
  }

  /** The row locked for this transaction, after its `If-Match` held. */
  private async findForWrite(id: number, manager: EntityManager, ifMatch: string | undefined) {
    await lockRowForUpdate(manager, ClientEntity, id);
    const client = await this.findOrFail(id, manager);
    await assertIfMatch(ifMatch, async () => ({ client: await this.respond(client, manager) }));
    return client;
  }

  private async findOrFail(id: number, manager?: EntityManager): Promise<ClientEntity> {
    const client = await this.clients.findById(id, manager);
    if (!client) throw DomainError.notFound(`Client ${id}`);
    return client;
  }

  private async assertNameFree(name: string, exceptId: number | null, manager: EntityManager): Promise<void> {
    const existing = await this.clients.findByName(name, manager);
    if (existing && existing.id !== exceptId) throw nameTaken(name);
  }

  private async save(entity: ClientEntity, manager: EntityManager): Promise<ClientEntity> {
    entity.updatedAt = new Date();
    try {
      return await this.clients.save(entity, manager);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(entity.name);
      throw error;
    }
  }
}

function nameTaken(name: string): DomainError {
  return new DomainError(ErrorCode.Conflict, `A client named '${name}' already exists.`);
}

function assign(entity: ClientEntity, dto: CreateClientDto | UpdateClientDto): void {
  if (dto.name !== undefined) entity.name = dto.name;
  if (dto.email !== undefined) entity.email = dto.email;
  if (dto.company !== undefined) entity.company = dto.company;
  if (dto.phone !== undefined) entity.phone = dto.phone;
  if (dto.address !== undefined) entity.address = dto.address;
  if (dto.contact_person !== undefined) entity.contactPerson = dto.contact_person;
  if (dto.description !== undefined) entity.description = dto.description;
  if (dto.default_hourly_rate !== undefined) entity.defaultHourlyRate = dto.default_hourly_rate;
  if (dto.status !== undefined) entity.status = dto.status;
}
