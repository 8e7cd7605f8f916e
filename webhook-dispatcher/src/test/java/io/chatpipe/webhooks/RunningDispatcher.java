package io.chatpipe.webhooks;

import io.chatpipe.testsupport.KafkaBroker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/** The dispatcher as it runs for real, in this JVM, on the test broker, allowed to call loopback, with short backoffs. */
final class RunningDispatcher implements AutoCloseable {

    final ConfigurableApplicationContext context;

    private RunningDispatcher(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static RunningDispatcher start(String... more) {
        return new RunningDispatcher(WebhookDispatcherApplication.application().run(arguments(more)));
    }

    /** The arguments for the test broker, a fan-out group of its own, then {@code more}. */
    static String[] arguments(String... more) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.bootstrapServers(),
                "--chatpipe.webhooks.allow-private-endpoints=true",
                "--chatpipe.webhooks.consumer.group-id=" + Chat.unique("webhooks"),
                "--chatpipe.webhooks.retry.initial-interval=100ms",
                "--chatpipe.webhooks.retry.max-interval=500ms",
                "--chatpipe.webhooks.state-interval=200ms"));
        arguments.addAll(List.of(more));
        Map<String, String> byName = new LinkedHashMap<>();
        arguments.forEach(argument -> byName.put(argument.substring(0, argument.indexOf('=')), argument));
        return byName.values().toArray(String[]::new);
    }

    int port() {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    @Override
    public void close() {
        context.close();
    }
}
