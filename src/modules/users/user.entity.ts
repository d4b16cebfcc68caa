import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { columnTypes } from '../../database/column-types';

export type UserRole = 'admin' | 'user';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  /** Lower-cased; unique. */
  @Column({ name: 'username', type: 'varchar', length: 80, unique: true })
  username: string;

  @Column({ name: 'email', type: 'varchar', length: 255, nullable: true })
  email: string | null;

  @Column({ name: 'full_name', type: 'varchar', length: 200, nullable: true })
  fullName: string | null;

  @Column({ name: 'role', type: 'varchar', length: 20, default: 'user' })
  role: UserRole;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'timezone', type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  @Column({ name: 'created_at', type: columnTypes.timestamp })
  createdAt: Date;

  @Column({ name: 'updated_at', type: columnTypes.timestamp })
  updatedAt: Date;

  @Column({ name: 'last_login_at', type: columnTypes.timestamp, nullable: true })
  lastLoginAt: Date | null;
}
