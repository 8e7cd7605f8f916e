package io.chatpipe.supervisor;

import io.chatpipe.stack.StackScript;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import sun.misc.Signal;

/**
 * {@code java -jar supervisor.jar run [--brokers N]}, what {@code ./chatpipe run} execs once it has found a JDK,
 * installed the packages and built the jars: starts the stack ({@link LocalStack}) from the repository in the working
 * directory, prints where everything is, and runs until Ctrl-C or SIGTERM (a shutdown hook stops every part in
 * order) or until a part exits by itself (then it stops the rest and exits 1). Settings: the {@code CHATPIPE_*}
 * environment variables ({@link StackSettings#fromEnvironment}); the api-service and history-service require
 * the application key kept in {@code DATA_DIR/secrets/api-key}.
 */
public final class SupervisorMain {

    private SupervisorMain() {
    }

    public static void main(String[] args) {
        List<String> arguments = Arrays.asList(args);
        if (arguments.isEmpty() || !arguments.getFirst().equals("run")) {
            System.err.println("usage: java -jar supervisor.jar run [--brokers N]   (./chatpipe run sets it up)");
            System.exit(2);
        }
        StackSettings settings;
        try {
            settings = StackSettings.fromEnvironment(System.getenv(), StackScript.repositoryRoot(Path.of("")),
                    arguments.subList(1, arguments.size()));
            // any sender, the api-service's default rate limit
            settings = settings.withApiKeys(List.of(new ApiKey("local", LocalStack.secret(settings.dataDir(), "api-key"),
                    List.of(), 1000)));
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println("chatpipe: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.exit(run(new LocalStack(settings, System.out, System.err)));
    }

    /** Runs the stack until a part exits by itself (1), or until the JVM is asked to stop (its hook stops the stack). */
    static int run(LocalStack stack) {
        stack.stopStaleXmpp();
        try {
            stack.requireFreePorts();
        } catch (LocalStack.StartFailure failure) {
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "stack-stop"));
        // past the ^C the terminal echoed; the exit status a shell gives a Ctrl-C (128 + SIGINT)
        Signal.handle(new Signal("INT"), signal -> {
            System.out.println();
            System.exit(130);
        });
        try {
            stack.start();
        } catch (LocalStack.StartFailure failure) {
            return 1;
        } catch (RuntimeException e) {
            System.err.println("chatpipe: " + e.getMessage());
            return 1;
        }
        stack.printSummary();
        // once stopping, the shutdown hook has the last word: this exit waits for it, the JVM's status stands
        return stack.awaitExit().map(exited -> {
            System.err.println("chatpipe: " + exited + " exited by itself; see " + stack.settings().logDir()
                    + ". Stopping the rest.");
            return 1;
        }).orElse(0);
    }
}
