import { toIsoUtc, toIsoUtcOrNull } from '../../common/time/iso';
import type { UserResponseDto } from './dto/user-response.dto';
import type { UserEntity } from './user.entity';

export function toUserResponse(user: UserEntity, totalHours = 0): UserResponseDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    full_name: user.fullName,
    display_name: user.fullName || user.username,
    role: user.role,
    is_active: user.isActive,
    timezone: user.timezone,
    created_at: toIsoUtc(user.createdAt),
    last_login_at: toIsoUtcOrNull(user.lastLoginAt),
    total_hours: totalHours,
  };
}
