import { PartialType } from '@nestjs/swagger';
import type { UpdateUserInput } from '@rrl/contracts';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { USER_WRITABLE_FIELDS as UPDATABLE_FIELDS } from '../user.mapper';
import { CreateUserDto } from './create-user.dto';

/**
 * class-validator has no class-level rule, so this registers a property-level one under the name
 * "body"; it checks the known fields, so an unknown key alone still fails (the repository
 * ignores unknown keys).
 */
function RequiresAnyField(): ClassDecorator {
  return (target) => {
    registerDecorator({
      name: 'requiresAnyField',
      target,
      propertyName: 'body',
      validator: {
        validate: (_: unknown, args: ValidationArguments) =>
          UPDATABLE_FIELDS.some((f) => (args.object as Record<string, unknown>)[f] !== undefined),
        defaultMessage: () => `the body must set at least one of: ${UPDATABLE_FIELDS.join(', ')}`,
      },
    });
  };
}

/** Body of PATCH /api/users/:id: any subset of the create fields, but not none. */
@RequiresAnyField()
export class UpdateUserDto extends PartialType(CreateUserDto) implements UpdateUserInput {}
