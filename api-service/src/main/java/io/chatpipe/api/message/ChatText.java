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
 * Text that XMPP can carry unchanged: XML 1.0 characters only. Markup such as {@code <b>&amp;} is fine
 * (it is escaped on the way into XML, never interpreted); control characters other than tab, line feed
 * and carriage return, U+FFFE/U+FFFF and unpaired surrogates are not, because no XML stanza can hold
 * them and the message could never be delivered.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ChatText.Validator.class)
@interface ChatText {

    String message() default "contains a character XMPP cannot carry";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ChatText, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            String problem = problem(value);
            return problem == null || Violations.report(context, problem);
        }

        /** What is wrong with the text, or null when nothing is (or it is null). */
        static String problem(String value) {
            if (value == null) {
                return null;
            }
            for (int i = 0; i < value.length(); ) {
                int cp = value.codePointAt(i);
                if (!xmlChar(cp)) {
                    return String.format("must not contain U+%04X", cp);
                }
                i += Character.charCount(cp);
            }
            return null;
        }

        /** XML 1.0's {@code Char} production. */
        private static boolean xmlChar(int cp) {
            return cp == 0x9 || cp == 0xA || cp == 0xD
                    || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD)
                    || (cp >= 0x10000 && cp <= 0x10FFFF);
        }
    }
}
