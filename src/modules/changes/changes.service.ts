import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AuthContext } from '../../common/auth/auth-context';
import { isScopeGranted } from '../../common/auth/scopes';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { APP_LOGGER } from '../../common/logging/logger';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionService } from '../../database/transaction.service';
import { SettingsService } from '../settings/settings.service';
import {
  type ChangePosition,
  decodeChangeCursor,
  encodeChangeCursor,
  ORIGIN,
  visibleInSnapshot,
} from './change-cursor';
import { CHANGE_TYPES, type ChangesPurgeEntity, type ChangeType } from './change.entity';
import { toChangeResponse } from './change.mapper';
import { type ChangeFilter, type ChangeRow, ChangesRepository } from './changes.repository';
import type { ListChangesQueryDto } from './dto/list-changes-query.dto';

/** The scopes that let a token read each type (any one of them); user and api_token: admins only. */
const READ_SCOPES: Record<ChangeType, readonly string[]> = {
  project: ['read:projects'],
  client: ['read:clients'],
  task: ['read:tasks'],
  time_entry: ['read:time_entries'],
  webhook: ['read:webhooks'],
  inventory_item: ['read:inventory', 'read:projects'],
  warehouse: ['read:inventory', 'read:projects'],
  user: [],
  api_token: [],
};

/** Left out while an admin has switched the inventory module off (its routes answer 403 then). */
const INVENTORY_TYPES: readonly ChangeType[] = ['inventory_item', 'warehouse'];

const CUTOFF_CHECK_MS = 600_000;

@Injectable()
export class ChangesService implements OnModuleDestroy {
  private readonly purgeTimer = setInterval(
    () => void this.purgeExpired().catch(() => undefined),
    CUTOFF_CHECK_MS,
  ).unref();

  constructor(
    private readonly changes: ChangesRepository,
    private readonly transactions: TransactionService,
    private readonly settings: SettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  async listChanges(auth: AuthContext, query: ListChangesQueryDto) {
    const kind = this.transactions.isPostgres ? 'snapshot' : 'id';
    const given = query.cursor === undefined ? null : decodeChangeCursor(query.cursor, kind);
    const mark = await this.changes.purgeMark();
    if (given && mark) this.assertRetained(given, mark);
    const filter = this.filterFor(auth, query.types);
    if (filter.types.some((type) => INVENTORY_TYPES.includes(type)) && !(await this.settings.isInventoryEnabled())) {
      filter.types = filter.types.filter((type) => !INVENTORY_TYPES.includes(type));
    }
    if (kind === 'snapshot') return this.pageBySnapshot(given, filter, query.limit);
    // Without a cursor: after the last purged id (ids are never reused).
    return this.pageById(given?.kind === 'id' ? given.id : (mark?.maxId ?? 0), filter, query.limit);
  }

  /** Deletes the changes older than the retention; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.changesRetentionDays * 86_400_000);
    const purged = await this.changes.purgeBefore(cutoff);
    if (purged > 0) this.logger.info({ purged }, 'purged expired changes');
    return purged;
  }

  private async pageById(after: number, filter: ChangeFilter, limit: number) {
    // The bound first: every id up to it has committed, so the next position never passes one in flight.
    const upTo = await this.changes.lastId();
    const rows = filter.types.length ? await this.changes.afterId(after, upTo, filter, limit + 1) : [];
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    const cursorAfter = (row: ChangeRow) => encodeChangeCursor({ kind: 'id', id: Number(row.id) });
    const next = hasMore
      ? cursorAfter(page[page.length - 1])
      : encodeChangeCursor({ kind: 'id', id: Math.max(after, upTo) });
    return {
      changes: page.map((row) => toChangeResponse(row, cursorAfter(row))),
      next_cursor: next,
      has_more: hasMore,
    };
  }

  /**
   * The delta between the position's snapshot and a newer one, in id order. A transaction in
   * flight at the newer snapshot is not in it, and is in a later delta once it has committed.
   */
  private async pageBySnapshot(given: ChangePosition | null, filter: ChangeFilter, limit: number) {
    const since = given?.kind === 'snapshot' ? given.since : ORIGIN;
    const inDelta = given?.kind === 'snapshot' && given.until ? given : null;
    const until = inDelta?.until ?? (await this.changes.currentHorizon());
    const after = inDelta?.after ?? null;
    const rows = filter.types.length ? await this.changes.deltaBetween(since, until, after, filter, limit + 1) : [];
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    const cursorAfter = (row: ChangeRow) =>
      encodeChangeCursor({ kind: 'snapshot', since, until, after: Number(row.id) });
    const next = hasMore ? cursorAfter(page[page.length - 1]) : encodeChangeCursor({ kind: 'snapshot', since: until });
    return {
      changes: page.map((row) => toChangeResponse(row, cursorAfter(row))),
      next_cursor: next,
      has_more: hasMore,
    };
  }

  /** 410 when a change after the position was purged (on PostgreSQL: the last purged one, see the README). */
  private assertRetained(position: ChangePosition, mark: ChangesPurgeEntity): void {
    const expired =
      position.kind === 'id'
        ? position.id < mark.maxId
        : position.since.snapshot === ORIGIN.snapshot
          ? // Paging from the start (no cursor given): stale once rows after the last one returned went.
            position.after !== undefined && position.after < mark.maxId
          : // The last purged transaction came after the position: at least it was never handed out.
            mark.maxTxid !== null && !visibleInSnapshot(BigInt(mark.maxTxid), position.since.snapshot);
    if (expired) {
      throw new DomainError(
        ErrorCode.CursorExpired,
        'This cursor is older than the retained history of changes; list everything again, then follow the feed.',
      );
    }
  }

  /** The requested types the token may read (every readable one by default), and the owner filter. */
  private filterFor(auth: AuthContext, requested: string | undefined): ChangeFilter {
    const wanted = requested ? new Set(requested.split(',')) : null;
    const admin = auth.isAdmin && isScopeGranted(auth.scopes, 'admin:all');
    const types = CHANGE_TYPES.filter((type) => {
      if (wanted && !wanted.has(type)) return false;
      const scopes = READ_SCOPES[type];
      return scopes.length === 0 ? admin : scopes.some((scope) => isScopeGranted(auth.scopes, scope));
    });
    return { types, ownerId: auth.isAdmin ? null : auth.userId };
  }
}
