package io.chatpipe.api.message;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A client's own id for a message, when it gives one: not blank, at most {@value #MAX_LENGTH}
 * characters, no control characters or unpaired surrogates.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ClientMessageId.Validator.class)
@interface ClientMessageId {

    int MAX_LENGTH = 128;

    String message() default "is not a valid client message id";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ClientMessageId, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            String problem = problem(value);
            return problem == null || Violations.report(context, problem);
        }

        /** What is wrong with a client message id, or null when nothing is (or none is given). */
        static String problem(String value) {
            if (value == null) {
                return null;
            }
            if (value.isBlank()) {
                return "must not be blank when given";
            }
            if (value.length() > MAX_LENGTH) {
                return "must be at most " + MAX_LENGTH + " characters";
            }
            int bad = value.codePoints()
                    .filter(cp -> Character.getType(cp) == Character.CONTROL
                            || Character.getType(cp) == Character.SURROGATE)
                    .findFirst().orElse(-1);
            return bad < 0 ? null : String.format("must not contain U+%04X", bad);
        }
    }
}
