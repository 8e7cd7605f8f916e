package io.chatpipe.worker.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Registers the component only when the worker delivers through one of these backends
 * ({@link WorkerProperties#backend()}). A backend the worker does not know fails the start, naming the
 * ones it does.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Conditional(OnBackend.class)
public @interface ConditionalOnBackend {

    /** The backends the component belongs to. */
    WorkerProperties.Backend[] value();

    /** On the smack backend, only when its accounts are made this way; either way when empty. */
    WorkerProperties.SmackAccounts[] smackAccounts() default {};

    /** On the ejabberd-api backend, only when its messages are confirmed this way; either way when empty. */
    WorkerProperties.ConfirmBy[] confirmBy() default {};
}
