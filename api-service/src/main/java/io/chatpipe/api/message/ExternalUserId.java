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
            String problem = problem(value);
            return problem == null || Violations.report(context, problem);
        }

        /** What is wrong with the id, or null when nothing is (or it is null or blank). */
        static String problem(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                UserId.of(value);
                return null;
            } catch (InvalidIdException e) {
                return e.getMessage();
            }
        }
    }
}
