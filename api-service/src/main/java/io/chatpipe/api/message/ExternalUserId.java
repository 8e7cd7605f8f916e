package io.chatpipe.api.message;

import io.chatpipe.events.InvalidIdException;
import io.chatpipe.events.UserId;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An external user id that can become a JID localpart, by {@link UserId#of}'s rules. Null and blank
 * are left to {@code @NotBlank}.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ExternalUserId.Validator.class)
@interface ExternalUserId {

    String message() default "is not a valid user id";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ExternalUserId, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null || value.isBlank()) {
                return true;
            }
            try {
                UserId.of(value);
                return true;
            } catch (InvalidIdException e) {
                return Violations.report(context, e.getMessage());
            }
        }
    }
}
