package io.chatpipe.api.message;

import jakarta.validation.ConstraintValidatorContext;

/** Reports a constraint violation with a message of our own, taken literally. */
final class Violations {

    private Violations() {
    }

    /** Always false, so a validator can {@code return report(...)}. */
    static boolean report(ConstraintValidatorContext context, String message) {
        context.disableDefaultConstraintViolation();
        // a message template interpolates {...} and ${...}; ours are literal text
        String literal = message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
        context.buildConstraintViolationWithTemplate(literal).addConstraintViolation();
        return false;
    }
}
