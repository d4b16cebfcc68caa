import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { columnTypes } from '../../database/column-types';
import { decimalTransformer } from '../../database/decimal.transformer';

export const CLIENT_STATUSES = ['active', 'inactive'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

@Entity({ name: 'clients' })
@Unique('uq_clients_name', ['name'])
@Index('idx_clients_status', ['status'])
export class ClientEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'email', type: 'varchar', length: 255, nullable: true })
  email: string | null;

  @Column({ name: 'company', type: 'varchar', length: 200, nullable: true })
  company: string | null;

  @Column({ name: 'phone', type: 'varchar', length: 50, nullable: true })
  phone: string | null;

  @Column({ name: 'address', type: 'text', nullable: true })
  address: string | null;

  @Column({ name: 'contact_person', type: 'varchar', length: 200, nullable: true })
  contactPerson: string | null;

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @Column({
    name: 'default_hourly_rate',
    type: 'decimal',
    precision: 12,
    scale: 2,
    nullable: true,
    transformer: decimalTransformer,
  })
  defaultHourlyRate: number | null;

  @Column({ name: 'status', type: 'varchar', length: 20, default: 'active' })
  status: ClientStatus;

  @Column({ name: 'created_at', type: columnTypes.timestamp })
  createdAt: Date;

  @Column({ name: 'updated_at', type: columnTypes.timestamp })
  updatedAt: Date;
}
