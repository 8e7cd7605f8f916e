package io.chatpipe.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatpipe.worker.DeliveryWorkerApplication;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.config.WorkerProperties.ConfirmBy;
import io.chatpipe.worker.config.WorkerProperties.SmackAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

/** Which components the backend settings bring in, and an unknown backend stopping the start. */
class ConditionalOnBackendTests {

    private final ApplicationContextRunner worker = new ApplicationContextRunner().withUserConfiguration(
            EjabberdPart.class, SmackPart.class, OpenfirePart.class, SmackOrOpenfirePart.class,
            InBandPart.class, EjabberdApiAccountsPart.class, ArchivePart.class);

    @Test
    void withoutABackendNamedTheWorkerDeliversThroughEjabberdsApi() {
        worker.run(context -> assertThat(context)
                .hasSingleBean(EjabberdPart.class)
                .hasSingleBean(EjabberdApiAccountsPart.class)
                .doesNotHaveBean(SmackPart.class)
                .doesNotHaveBean(OpenfirePart.class)
                .doesNotHaveBean(SmackOrOpenfirePart.class)
                .doesNotHaveBean(InBandPart.class)
                .doesNotHaveBean(ArchivePart.class));
    }

    @Test
    void eachBackendBringsItsOwnComponentsAndNoOthers() {
        worker.withPropertyValues("chatpipe.worker.backend=openfire").run(context -> assertThat(context)
                .hasSingleBean(OpenfirePart.class)
                .hasSingleBean(SmackOrOpenfirePart.class)
                .doesNotHaveBean(EjabberdPart.class)
                .doesNotHaveBean(SmackPart.class)
                .doesNotHaveBean(EjabberdApiAccountsPart.class));
        worker.withPropertyValues("chatpipe.worker.backend=smack").run(context -> assertThat(context)
                .hasSingleBean(SmackPart.class)
                .hasSingleBean(SmackOrOpenfirePart.class)
                .hasSingleBean(InBandPart.class)
                .doesNotHaveBean(EjabberdPart.class)
                .doesNotHaveBean(OpenfirePart.class)
                .doesNotHaveBean(EjabberdApiAccountsPart.class));
    }

    @Test
    void theSmackBackendsAccountsComeFromEjabberdsApiWhenToldTo() {
        worker.withPropertyValues("chatpipe.worker.backend=smack", "chatpipe.worker.smack.accounts=ejabberd-api")
                .run(context -> assertThat(context)
                        .hasSingleBean(SmackPart.class)
                        .hasSingleBean(EjabberdApiAccountsPart.class)
                        .doesNotHaveBean(InBandPart.class)
                        .doesNotHaveBean(EjabberdPart.class));
    }

    @Test
    void archiveEvidenceIsReadOnlyWhenEjabberdsMessagesAreConfirmedByTheirArchiveRows() {
        worker.withPropertyValues("chatpipe.worker.ejabberd.confirm-by=archive")
                .run(context -> assertThat(context).hasSingleBean(ArchivePart.class).hasSingleBean(EjabberdPart.class));
        worker.withPropertyValues("chatpipe.worker.backend=smack", "chatpipe.worker.ejabberd.confirm-by=archive")
                .run(context -> assertThat(context).doesNotHaveBean(ArchivePart.class));
    }

    @Test
    void anUnknownBackendStopsTheStartNamingTheBackendsThereAre() {
        worker.withPropertyValues("chatpipe.worker.backend=carrier-pigeon").run(context -> {
            assertThat(context).hasFailed();
            assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
                    .hasMessageContaining("chatpipe.worker.backend is 'carrier-pigeon'")
                    .hasMessageContaining("ejabberd-api, smack, openfire");
        });
    }

    @Test
    void theWorkerDoesNotStartWithAnUnknownBackend() {
        assertThatThrownBy(() -> DeliveryWorkerApplication.application()
                .run("--chatpipe.worker.backend=carrier-pigeon", "--server.port=0"))
                .satisfies(failure -> assertThat(NestedExceptionUtils.getMostSpecificCause(failure))
                        .hasMessage("chatpipe.worker.backend is 'carrier-pigeon', which is none of the backends there are: "
                                + "ejabberd-api, smack, openfire"));
    }

    @ConditionalOnBackend(Backend.EJABBERD_API)
    static class EjabberdPart {
    }

    @ConditionalOnBackend(Backend.SMACK)
    static class SmackPart {
    }

    @ConditionalOnBackend(Backend.OPENFIRE)
    static class OpenfirePart {
    }

    @ConditionalOnBackend({Backend.SMACK, Backend.OPENFIRE})
    static class SmackOrOpenfirePart {
    }

    @ConditionalOnBackend(value = Backend.SMACK, smackAccounts = SmackAccounts.IN_BAND)
    static class InBandPart {
    }

    @ConditionalOnBackend(value = {Backend.EJABBERD_API, Backend.SMACK}, smackAccounts = SmackAccounts.EJABBERD_API)
    static class EjabberdApiAccountsPart {
    }

    @ConditionalOnBackend(value = Backend.EJABBERD_API, confirmBy = ConfirmBy.ARCHIVE)
    static class ArchivePart {
    }
}
