package io.chatpipe.worker.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** {@link ConditionalOnBackend}: the worker's settings bound as the worker binds them, defaults and all. */
class OnBackend implements Condition {

    private static final String BACKEND = "chatpipe.worker.backend";

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        MergedAnnotation<ConditionalOnBackend> on = metadata.getAnnotations().get(ConditionalOnBackend.class);
        WorkerProperties properties = bind(Binder.get(context.getEnvironment()));
        if (!List.of(on.getEnumArray("value", WorkerProperties.Backend.class)).contains(properties.backend())) {
            return false;
        }
        return switch (properties.backend()) {
            case EJABBERD_API -> anyOrOneOf(on.getEnumArray("confirmBy", WorkerProperties.ConfirmBy.class),
                    properties.ejabberd().confirmBy());
            case SMACK -> anyOrOneOf(on.getEnumArray("smackAccounts", WorkerProperties.SmackAccounts.class),
                    properties.smack().accounts());
            case OPENFIRE -> true;
        };
    }

    /** True when {@code allowed} is empty (any will do) or holds the value. */
    private static <E extends Enum<E>> boolean anyOrOneOf(E[] allowed, E value) {
        return allowed.length == 0 || List.of(allowed).contains(value);
    }

    private static WorkerProperties bind(Binder binder) {
        try {
            return binder.bindOrCreate("chatpipe.worker", WorkerProperties.class);
        } catch (BindException e) {
            if (e.getName() != null && e.getName().toString().equals(BACKEND)) {
                // the whole story, so the last cause printed is this and not the enum's "No enum constant"
                throw new IllegalStateException("%s is '%s', which is none of the backends there are: %s".formatted(
                        BACKEND, e.getProperty() == null ? "?" : e.getProperty().getValue(), known()));
            }
            throw e;
        }
    }

    /** As they are written in the settings: ejabberd-api, smack, openfire. */
    private static String known() {
        return Arrays.stream(WorkerProperties.Backend.values())
                .map(backend -> backend.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", "));
    }
}
