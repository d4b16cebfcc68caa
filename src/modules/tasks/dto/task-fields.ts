import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { IsAmount, IsCalendarDate, IsId, IsText } from '../../../common/validation/validators';
import { TASK_PRIORITIES, TASK_STATUSES } from '../task.entity';

/** Integers 1-4 are accepted as aliases of low, medium, high, urgent. */
const PriorityAlias = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 4
      ? TASK_PRIORITIES[value - 1]
      : value,
  );

/** Each task field's validation, shared by create and update. */
export const TaskFields = {
  name: () => IsText(200),
  description: () => applyDecorators(IsString(), MaxLength(10_000)),
  projectId: () => IsId(),
  status: () => IsIn(TASK_STATUSES),
  priority: () =>
    applyDecorators(
      PriorityAlias(),
      IsIn(TASK_PRIORITIES, { message: 'priority must be one of low, medium, high, urgent (or 1-4)' }),
    ),
  assignedTo: () => IsId(),
  dueDate: () => IsCalendarDate(),
  hours: () => IsAmount(10_000_000),
};
