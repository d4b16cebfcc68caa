import { Column, Entity, PrimaryColumn } from 'typeorm';
import { columnTypes } from '../../database/column-types';

/** Instance-wide settings as key -> JSON value (e.g. `inventory_enabled`). */
@Entity({ name: 'settings' })
export class SettingEntity {
  @PrimaryColumn({ name: 'key', type: 'varchar', length: 100 })
  key: string;

  @Column({ name: 'value', type: 'text' })
  value: string;

  @Column({ name: 'updated_at', type: columnTypes.timestamp })
  updatedAt: Date;
}
