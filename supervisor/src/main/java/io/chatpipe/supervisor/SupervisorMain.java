package io.chatpipe.supervisor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import sun.misc.Signal;

/**
 * {@code java -jar supervisor.jar run [--brokers N]}, what {@code ./chatpipe run} execs once it has found a JDK,
 * installed the packages and built the jars: starts the stack ({@link RunStack}) from the repository in the working
 * directory, prints where everything is, and runs until Ctrl-C or SIGTERM (a shutdown hook stops every part in
 * order) or until a part exits by itself (then it stops the rest and exits 1). Settings: the {@code CHATPIPE_*}
 * environment variables ({@link RunSettings}).
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
        RunSettings settings;
        try {
            settings = RunSettings.from(System.getenv(), Jars.repositoryRoot(Path.of("")),
                    arguments.subList(1, arguments.size()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("chatpipe: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.exit(run(new RunStack(settings, System.out, System.err)));
    }

    /** Runs the stack until a part exits by itself (1), or until the JVM is asked to stop (its hook stops the stack). */
    static int run(RunStack stack) {
        stack.stopStaleXmpp();
        try {
            stack.requireFreePorts();
        } catch (RunStack.StartFailure failure) {
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
        } catch (RunStack.StartFailure failure) {
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
